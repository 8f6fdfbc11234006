package org.mtl4j.weighting;

import java.util.Arrays;

/** Euclidean projection onto the probability simplex (Held, Wolfe and Crowder 1974; Duchi 2008). */
final class Simplex {
  private Simplex() {}

  static double[] project(double[] y) {
    double[] x = y.clone();
    projectInPlace(x, new double[y.length]);
    return x;
  }

  /** Replaces {@code y} by its projection; {@code work} (same length) is overwritten. */
  static void projectInPlace(double[] y, double[] work) {
    int n = y.length;
    double[] sorted = work;
    System.arraycopy(y, 0, sorted, 0, n);
    Arrays.sort(sorted);
    double cumulative = 0;
    double theta = 0;
    for (int k = 1; k <= n; k++) {
      double v = sorted[n - k];
      cumulative += v;
      double candidate = (cumulative - 1) / k;
      if (v - candidate > 0) {
        theta = candidate;
      }
    }
    for (int i = 0; i < n; i++) {
      y[i] = Math.max(y[i] - theta, 0);
    }
  }
}
