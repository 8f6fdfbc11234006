package org.mtl4j.api.testing;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Seeded host test data for the conformance kit. Every generator draws from the given stream. */
public final class TestData {
  private TestData() {}

  /** {@code n} values uniform in {@code [lo, hi)}. */
  public static float[] uniform(SplittableRandom rng, int n, double lo, double hi) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (lo + (hi - lo) * rng.nextDouble());
    }
    return out;
  }

  /** {@code n} values with magnitude uniform in {@code [lo, hi)} and a random sign. */
  public static float[] awayFromZero(SplittableRandom rng, int n, double lo, double hi) {
    float[] out = uniform(rng, n, lo, hi);
    for (int i = 0; i < n; i++) {
      if (rng.nextBoolean()) {
        out[i] = -out[i];
      }
    }
    return out;
  }

  /** {@code n} copies of {@code value}. */
  public static float[] filled(int n, float value) {
    float[] out = new float[n];
    Arrays.fill(out, value);
    return out;
  }

  /** {@code n} NaNs: the initial contents of an output that must be overwritten. */
  public static float[] nans(int n) {
    return filled(n, Float.NaN);
  }

  /** {@code n} integral floats uniform in {@code [0, k)}: class labels or row indices. */
  public static float[] indices(SplittableRandom rng, int n, int k) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = rng.nextInt(k);
    }
    return out;
  }

  /** {@code n} values 0 or 1, each 1 with probability {@code pOne}. */
  public static float[] zeroOne(SplittableRandom rng, int n, double pOne) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = rng.nextDouble() < pOne ? 1f : 0f;
    }
    return out;
  }

  /** A 0/1 mask of {@code n} values with at least one 1 and at least one 0 (for {@code n > 1}). */
  public static float[] mixedMask(SplittableRandom rng, int n) {
    float[] m = zeroOne(rng, n, 0.6);
    m[0] = 1f;
    if (n > 1) {
      m[n - 1] = 0f;
    }
    return m;
  }
}
