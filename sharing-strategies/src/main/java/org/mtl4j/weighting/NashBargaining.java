package org.mtl4j.weighting;

import java.util.Arrays;

/**
 * The Nash bargaining weights of task gradients given their Gram matrix G: the α > 0 with {@code
 * α_i (G α)_i = 1} for every i (Navon et al., "Multi-Task Learning as a Bargaining Game", ICML
 * 2022, Theorem 5.1: then {@code d = Σ α_i g_i} maximises {@code Σ_i log(g_i · d)} in a ball). They
 * are the minimiser of the strictly convex
 *
 * <pre>
 *   φ(α) = ½ α^T G α − Σ_i log α_i,   ∇φ = G α − 1/α,   ∇²φ = G + diag(1/α²),
 * </pre>
 *
 * found here by damped Newton steps (backtracking keeps α > 0 and decreases φ), warm-started from
 * the previous step's α, in place of the authors' sequence of convex-concave programs solved by
 * cvxpy. The iteration count is bounded; the solver stops when every {@code |α_i (Gα)_i − 1|} is at
 * most 1e-7. When G has a positive direction of zero curvature (for instance two exactly opposite
 * gradients) no solution exists and φ is unbounded below: the iteration bound is then reached and
 * reported. Work arrays belong to the instance: solving allocates nothing.
 */
final class NashBargaining {
  static final double TOLERANCE = 1e-7;

  private final int maxIterations;
  private final double[] residual;
  private final double[] step;
  private final double[] trial;
  private final double[][] hessian;
  private int iterations;
  private double lastResidual;

  NashBargaining(int taskCount, int maxIterations) {
    this.maxIterations = maxIterations;
    this.residual = new double[taskCount];
    this.step = new double[taskCount];
    this.trial = new double[taskCount];
    this.hessian = new double[taskCount][taskCount];
  }

  /**
   * Improves {@code alpha} (positive, the warm start) in place towards the solution for {@code g}.
   *
   * @return true when the tolerance was met within the iteration bound
   */
  boolean solve(double[][] g, double[] alpha) {
    int n = alpha.length;
    double f = objective(g, alpha);
    for (iterations = 0; iterations < maxIterations; iterations++) {
      lastResidual = gradient(g, alpha);
      if (lastResidual <= TOLERANCE) {
        return true;
      }
      for (int i = 0; i < n; i++) {
        System.arraycopy(g[i], 0, hessian[i], 0, n);
        hessian[i][i] += 1 / (alpha[i] * alpha[i]);
        step[i] = residual[i];
      }
      if (!ImpartialGradient.solveInPlace(hessian, step, n, 0)) {
        return false;
      }
      double t = 1;
      boolean moved = false;
      for (int halvings = 0; halvings < 60; halvings++, t /= 2) {
        boolean positive = true;
        double decrease = 0;
        for (int i = 0; i < n; i++) {
          trial[i] = alpha[i] - t * step[i];
          positive &= trial[i] > 0;
          decrease += residual[i] * step[i];
        }
        if (!positive) {
          continue;
        }
        double ft = objective(g, trial);
        if (ft <= f - 1e-4 * t * decrease) {
          System.arraycopy(trial, 0, alpha, 0, n);
          f = ft;
          moved = true;
          break;
        }
      }
      if (!moved) {
        lastResidual = gradient(g, alpha);
        return lastResidual <= TOLERANCE;
      }
    }
    lastResidual = gradient(g, alpha);
    return lastResidual <= TOLERANCE;
  }

  /** Iterations of the last solve. */
  int iterations() {
    return iterations;
  }

  /** {@code max_i |α_i (Gα)_i − 1|} after the last solve. */
  double residual() {
    return lastResidual;
  }

  /** Fills {@link #residual} with ∇φ and returns {@code max_i |α_i (∇φ)_i|}. */
  private double gradient(double[][] g, double[] alpha) {
    double s = 0;
    for (int i = 0; i < alpha.length; i++) {
      double r = -1 / alpha[i];
      for (int j = 0; j < alpha.length; j++) {
        r += g[i][j] * alpha[j];
      }
      residual[i] = r;
      s = Math.max(s, Math.abs(alpha[i] * r));
    }
    return s;
  }

  private static double objective(double[][] g, double[] alpha) {
    double q = 0;
    double logs = 0;
    for (int i = 0; i < alpha.length; i++) {
      double row = 0;
      for (int j = 0; j < alpha.length; j++) {
        row += g[i][j] * alpha[j];
      }
      q += alpha[i] * row;
      logs += Math.log(alpha[i]);
    }
    return 0.5 * q - logs;
  }

  static void reset(double[] alpha) {
    Arrays.fill(alpha, 1.0);
  }
}
