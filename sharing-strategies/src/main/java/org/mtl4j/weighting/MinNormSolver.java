package org.mtl4j.weighting;

/**
 * The min-norm element of the convex hull of vectors given by their Gram matrix: {@code min_λ ‖Σ_t
 * λ_t g_t‖²} over the simplex, as in Sener and Koltun, "Multi-Task Learning as Multi-Objective
 * Optimization", NeurIPS 2018, Algorithm 2. Two vectors have the closed form of their §3.1 (Figure
 * 1); more are solved by Frank-Wolfe with exact line search, started from the best pair.
 */
final class MinNormSolver {
  static final int MAX_ITERATIONS = 1000;
  static final double STOP = 1e-10;

  private MinNormSolver() {}

  /**
   * The γ in [0, 1] minimising {@code ‖γ x1 + (1 − γ) x2‖²} given {@code x1·x1}, {@code x1·x2},
   * {@code x2·x2}.
   */
  static double lineSearch(double v11, double v12, double v22) {
    if (v12 >= v11) {
      return 1.0;
    }
    if (v12 >= v22) {
      return 0.0;
    }
    return (v22 - v12) / (v11 + v22 - 2 * v12);
  }

  /** The simplex weights λ of the min-norm point. */
  static double[] solve(double[][] gram) {
    int n = gram.length;
    double[] sol = new double[n];
    if (n == 1) {
      sol[0] = 1;
      return sol;
    }
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double gamma = lineSearch(gram[i][i], gram[i][j], gram[j][j]);
        double cost =
            gamma * gamma * gram[i][i]
                + 2 * gamma * (1 - gamma) * gram[i][j]
                + (1 - gamma) * (1 - gamma) * gram[j][j];
        if (cost < best) {
          best = cost;
          java.util.Arrays.fill(sol, 0);
          sol[i] = gamma;
          sol[j] = 1 - gamma;
        }
      }
    }
    if (n == 2) {
      return sol;
    }
    double[] gs = new double[n]; // reused: up to MAX_ITERATIONS per training step
    for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
      for (int i = 0; i < n; i++) {
        gs[i] = 0;
        for (int j = 0; j < n; j++) {
          gs[i] += gram[i][j] * sol[j];
        }
      }
      int vertex = 0;
      for (int i = 1; i < n; i++) {
        if (gs[i] < gs[vertex]) {
          vertex = i;
        }
      }
      double v11 = 0;
      for (int i = 0; i < n; i++) {
        v11 += sol[i] * gs[i];
      }
      double gamma = lineSearch(v11, gs[vertex], gram[vertex][vertex]);
      double change = 0;
      for (int i = 0; i < n; i++) {
        double next = gamma * sol[i] + (i == vertex ? 1 - gamma : 0);
        change += Math.abs(next - sol[i]);
        sol[i] = next;
      }
      if (change < STOP) {
        break;
      }
    }
    return sol;
  }
}
