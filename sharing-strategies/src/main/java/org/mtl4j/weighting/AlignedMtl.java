package org.mtl4j.weighting;

import org.mtl4j.api.weighting.WeightingStep;

/**
 * Aligned-MTL (Senushkin, Patakin, Kuznetsov and Konushin, "Independent Component Alignment for
 * Multi-Task Learning", CVPR 2023, Algorithm 1): the task gradients G (rows g_t) are replaced by
 * aligned ones {@code G' = B G} whose Gram matrix has condition number 1, with
 *
 * <pre>
 *   G G^T = V Λ V^T (rank r),   B = sqrt(λ_min) V Λ^{-1/2} V^T,
 * </pre>
 *
 * over the r eigenvalues above {@code λ_max · T · ε_float32} (the authors' tolerance), and the
 * update is the sum of the aligned gradients, {@code d = Σ_t (B 1)_t g_t}. Aligned gradients are
 * orthogonal with equal norm sqrt(λ_min): no task dominates and none conflicts. With {@code
 * rep_grad} it is the paper's Aligned-MTL-UB on the shared representation (§4.3). The eigen
 * decomposition ({@link SymmetricEigen}) is bounded and reported in the run log if it does not
 * converge.
 */
final class AlignedMtl extends GradientBalancing {
  static final double FLOAT_EPS = 0x1.0p-23;

  private final SymmetricEigen eigen;
  private final SolverReport report = new SolverReport("aligned-mtl");

  AlignedMtl(int taskCount, boolean repGrad) {
    super(taskCount, repGrad, "aligned-mtl");
    this.eigen = new SymmetricEigen(taskCount);
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    return coefficients(gram, step.step());
  }

  /** β = B·1. */
  double[] coefficients(double[][] gram, long step) {
    int t = gram.length;
    if (!eigen.decompose(gram)) {
      report.notConverged(
          step, SymmetricEigen.MAX_SWEEPS, Double.NaN, "the last rotation's eigenpairs are used");
    }
    double max = 0;
    for (int i = 0; i < t; i++) {
      max = Math.max(max, eigen.value(i));
    }
    double tol = max * t * FLOAT_EPS;
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < t; i++) {
      if (eigen.value(i) > tol) {
        min = Math.min(min, eigen.value(i));
      }
    }
    double[] beta = new double[t];
    if (!(max > 0)) {
      return beta; // every gradient is zero
    }
    double root = Math.sqrt(min);
    for (int i = 0; i < t; i++) {
      double lambda = eigen.value(i);
      if (lambda > tol) {
        // B 1 = sqrt(λ_min) Σ_i v_i (v_i · 1) / sqrt(λ_i)
        double along = 0;
        for (int k = 0; k < t; k++) {
          along += eigen.vector(i, k);
        }
        double f = root * along / Math.sqrt(lambda);
        for (int k = 0; k < t; k++) {
          beta[k] += f * eigen.vector(i, k);
        }
      }
    }
    return beta;
  }

  SolverReport report() {
    return report;
  }
}
