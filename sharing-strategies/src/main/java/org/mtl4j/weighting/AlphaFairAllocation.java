package org.mtl4j.weighting;

import java.util.Arrays;

/**
 * The α-fair weights of task gradients given their Gram matrix G: the w > 0 with {@code (G w)_i =
 * w_i^{-p}}, {@code p = 1/α}, for every i. Then {@code d = Σ w_i g_i} is the α-fair allocation of
 * Ban and Ji, "Fair Resource Allocation in Multi-Task Learning", ICML 2024 (their eq. 7); p = 1 is
 * the Nash bargaining solution of Navon et al., "Multi-Task Learning as a Bargaining Game", ICML
 * 2022 (Theorem 5.1: {@code α_i (G α)_i = 1}). The weights minimise the strictly convex
 *
 * <pre>
 *   ψ(w) = ½ w^T G w − Σ_i h(w_i),   h(w) = log w (p = 1), w^{1−p} / (1 − p) (p ≠ 1),
 *   ∇ψ = G w − w^{−p},   ∇²ψ = G + diag(p w^{−p−1}),
 * </pre>
 *
 * found here by damped Newton steps (backtracking keeps w > 0 and decreases ψ), warm-started from
 * the caller's w, in place of the authors' cvxpy programs (Nash-MTL) and SciPy least squares
 * (FairGrad). The iteration count is bounded; the solver stops when every {@code |w_i^p (Gw)_i −
 * 1|} is at most 1e-7. When G has a positive direction of zero curvature (for instance two exactly
 * opposite gradients) no solution exists and ψ is unbounded below: the bound is then reached and
 * the caller reports it. Work arrays belong to the instance: solving allocates nothing.
 */
final class AlphaFairAllocation {
  static final double TOLERANCE = 1e-7;

  private final int maxIterations;
  private final double p;
  private final double[] residual;
  private final double[] step;
  private final double[] trial;
  private final double[][] hessian;
  private int iterations;
  private double lastResidual;

  /**
   * @param p the exponent 1/α of the fairness (1: proportional fairness, the Nash solution)
   */
  AlphaFairAllocation(int taskCount, int maxIterations, double p) {
    this.maxIterations = maxIterations;
    this.p = p;
    this.residual = new double[taskCount];
    this.step = new double[taskCount];
    this.trial = new double[taskCount];
    this.hessian = new double[taskCount][taskCount];
  }

  /**
   * Improves {@code w} (positive, the warm start) in place towards the solution for {@code g}.
   *
   * @return true when the tolerance was met within the iteration bound
   */
  boolean solve(double[][] g, double[] w) {
    int n = w.length;
    double f = objective(g, w);
    for (iterations = 0; iterations < maxIterations; iterations++) {
      lastResidual = gradient(g, w);
      if (lastResidual <= TOLERANCE) {
        return true;
      }
      for (int i = 0; i < n; i++) {
        System.arraycopy(g[i], 0, hessian[i], 0, n);
        hessian[i][i] += p * Math.pow(w[i], -p - 1);
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
          trial[i] = w[i] - t * step[i];
          positive &= trial[i] > 0;
          decrease += residual[i] * step[i];
        }
        if (!positive) {
          continue;
        }
        double ft = objective(g, trial);
        if (ft <= f - 1e-4 * t * decrease) {
          System.arraycopy(trial, 0, w, 0, n);
          f = ft;
          moved = true;
          break;
        }
      }
      if (!moved) {
        lastResidual = gradient(g, w);
        return lastResidual <= TOLERANCE;
      }
    }
    lastResidual = gradient(g, w);
    return lastResidual <= TOLERANCE;
  }

  /** Iterations of the last solve. */
  int iterations() {
    return iterations;
  }

  /** {@code max_i |w_i^p (Gw)_i − 1|} after the last solve. */
  double residual() {
    return lastResidual;
  }

  /** Fills {@link #residual} with ∇ψ and returns {@code max_i |w_i^p (∇ψ)_i|}. */
  private double gradient(double[][] g, double[] w) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      double wp = p == 1 ? w[i] : Math.pow(w[i], p);
      double r = -1 / wp;
      for (int j = 0; j < w.length; j++) {
        r += g[i][j] * w[j];
      }
      residual[i] = r;
      s = Math.max(s, Math.abs(wp * r));
    }
    return s;
  }

  private double objective(double[][] g, double[] w) {
    double q = 0;
    double logs = 0;
    for (int i = 0; i < w.length; i++) {
      double row = 0;
      for (int j = 0; j < w.length; j++) {
        row += g[i][j] * w[j];
      }
      q += w[i] * row;
      logs += p == 1 ? Math.log(w[i]) : Math.pow(w[i], 1 - p) / (1 - p);
    }
    return 0.5 * q - logs;
  }

  static void reset(double[] w) {
    Arrays.fill(w, 1.0);
  }
}
