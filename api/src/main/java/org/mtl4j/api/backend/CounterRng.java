package org.mtl4j.api.backend;

/**
 * A counter-based random number generator: the value for index {@code i} depends only on the seed
 * and {@code i}, so every backend (and every thread or GPU block) computes the same stream without
 * shared state. It is the SplitMix64 finaliser (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014) applied to {@code seed + (i + 1) * golden gamma}.
 */
public final class CounterRng {
  static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private CounterRng() {}

  /** 64 random bits for {@code (seed, index)}. */
  public static long bits(long seed, long index) {
    long z = seed + (index + 1) * GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A float uniform in {@code [0, 1)}: the top 24 bits of {@link #bits} over 2^24. */
  public static float uniform(long seed, long index) {
    return (bits(seed, index) >>> 40) * 0x1.0p-24f;
  }

  /** Derives an independent seed for a named sub-stream, e.g. one per layer or per step. */
  public static long derive(long seed, long stream) {
    return bits(seed ^ 0x5DEECE66DL, stream);
  }
}
