package org.mtl4j.weighting;

import java.util.Arrays;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * UPGrad, the unconflicting projection of gradients (Quinton and Rey, "Jacobian Descent for
 * Multi-Objective Optimization", 2024, §4): each task gradient g_i is projected onto the dual cone
 * of all task gradients (the directions that conflict with none of them, {@link
 * DualConeProjection}), and the update is the mean of the projections, {@code (1/T) Σ_i π(g_i)}.
 * The update never conflicts with any task ({@code g_t · d >= 0}) and equals the mean gradient when
 * no two gradients conflict.
 *
 * <p>As in the authors' TorchJD, the Gram matrix is first divided by its trace (the squared
 * Frobenius norm of the Jacobian; all zeros below {@code norm_eps}) and {@code reg_eps · I} is
 * added so that it is positive definite; with the defaults (both 1e-4) the Jacobian rows (-4, 1, 1)
 * and (6, 1, 1) give their worked update (0.2929, 1.9004, 1.9004).
 */
final class UnconflictingProjection extends GradientBalancing {
  private final double normEps;
  private final double regEps;
  private final DualConeProjection projection;
  private final SolverReport report = new SolverReport("upgrad");
  private final double[][] normalized;
  private final double[] unit;
  private final double[] v;

  UnconflictingProjection(int taskCount, boolean repGrad, double normEps, double regEps) {
    super(taskCount, repGrad, "upgrad");
    this.normEps = normEps;
    this.regEps = regEps;
    this.projection = new DualConeProjection(taskCount);
    this.normalized = new double[taskCount][taskCount];
    this.unit = new double[taskCount];
    this.v = new double[taskCount];
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    return coefficients(gram, step.step());
  }

  /** β with {@code d = Σ_t β_t g_t}. */
  double[] coefficients(double[][] gram, long step) {
    int t = gram.length;
    double trace = 0;
    for (int i = 0; i < t; i++) {
      trace += gram[i][i];
    }
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        normalized[i][j] = trace < normEps ? 0 : gram[i][j] / trace;
      }
      normalized[i][i] += regEps;
    }
    double[] beta = new double[t];
    for (int i = 0; i < t; i++) {
      Arrays.fill(unit, 0);
      unit[i] = 1.0 / t;
      if (projection.solve(normalized, unit, v) < 0) {
        report.notConverged(
            step,
            DualConeProjection.MAX_SWEEPS,
            Double.NaN,
            "the projection of task " + i + " uses the last feasible iterate");
      }
      for (int j = 0; j < t; j++) {
        beta[j] += v[j];
      }
    }
    return beta;
  }

  SolverReport report() {
    return report;
  }
}
