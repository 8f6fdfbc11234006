package org.mtl4j.weighting;

import java.util.Arrays;

/** Euclidean projection onto the probability simplex (Held, Wolfe and Crowder 1974; Duchi 2008). */
final class Simplex {
  private Simplex() {}

  static double[] project(double[] y) {
    int n = y.length;
    double[] sorted = y.clone();
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
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = Math.max(y[i] - theta, 0);
    }
    return x;
  }
}
