package org.mtl4j.weighting;

/**
 * The weights of a projection onto the dual cone of the task gradients, given their Gram matrix G:
 * for a vector {@code J^T u}, its projection onto {@code {x : J x >= 0}} is {@code J^T v} with
 *
 * <pre>
 *   v = argmin_{v >= u} v^T G v
 * </pre>
 *
 * (Quinton and Rey, "Jacobian Descent for Multi-Objective Optimization", 2024, Proposition 1). The
 * quadratic program is solved by cyclic coordinate descent on the box {@code v >= u} (Hildreth's
 * method), whose iterates stay feasible and decrease {@code v^T G v} monotonically; for a positive
 * definite G it converges linearly. Work arrays are held by the instance: solving allocates
 * nothing.
 */
final class DualConeProjection {
  static final int MAX_SWEEPS = 10_000;
  static final double TOLERANCE = 1e-13;

  private final double[] gv;

  DualConeProjection(int taskCount) {
    gv = new double[taskCount];
  }

  /**
   * Writes the minimiser into {@code v} (its content is overwritten, starting from {@code u}).
   *
   * @return the sweeps run, or -1 when {@link #MAX_SWEEPS} was reached before the tolerance
   */
  int solve(double[][] g, double[] u, double[] v) {
    int n = u.length;
    System.arraycopy(u, 0, v, 0, n);
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int j = 0; j < n; j++) {
        s += g[i][j] * v[j];
      }
      gv[i] = s;
    }
    double scale = 0;
    for (int i = 0; i < n; i++) {
      scale = Math.max(scale, Math.abs(u[i]));
    }
    for (int sweep = 1; sweep <= MAX_SWEEPS; sweep++) {
      double change = 0;
      for (int k = 0; k < n; k++) {
        if (!(g[k][k] > 0)) {
          continue;
        }
        double next = Math.max(u[k], v[k] - gv[k] / g[k][k]);
        double d = next - v[k];
        if (d != 0) {
          v[k] = next;
          for (int i = 0; i < n; i++) {
            gv[i] += g[i][k] * d;
          }
          change = Math.max(change, Math.abs(d));
        }
      }
      if (change <= TOLERANCE * Math.max(scale, 1e-300)) {
        return sweep;
      }
    }
    return -1;
  }
}
