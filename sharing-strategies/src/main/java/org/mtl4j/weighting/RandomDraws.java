package org.mtl4j.weighting;

import org.mtl4j.api.backend.CounterRng;

/** Stateless random draws from {@link CounterRng}: the value for (seed, index) never changes. */
final class RandomDraws {
  private RandomDraws() {}

  /** Uniform in [0, 1) with 53 random bits. */
  static double uniform(long seed, long index) {
    return (CounterRng.bits(seed, index) >>> 11) * 0x1.0p-53;
  }

  /** Standard normal by Box-Muller from draws 2·index and 2·index + 1 of a derived stream. */
  static double gaussian(long seed, long index) {
    long s = CounterRng.derive(seed, 0x6A09E667L);
    double u1 = uniform(s, 2 * index);
    double u2 = uniform(s, 2 * index + 1);
    return Math.sqrt(-2.0 * Math.log(1.0 - u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, bound). */
  static int index(long seed, long index, int bound) {
    return (int) Math.min(bound - 1, (long) Math.floor(uniform(seed, index) * bound));
  }

  /** A uniformly random permutation of {@code items} (Fisher-Yates), in place. */
  static void shuffle(int[] items, long seed) {
    for (int i = items.length - 1; i > 0; i--) {
      int j = index(seed, i, i + 1);
      int tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
  }
}
