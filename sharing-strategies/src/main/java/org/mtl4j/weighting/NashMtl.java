package org.mtl4j.weighting;

import java.util.Map;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * Nash-MTL (Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik and Fetaya, "Multi-Task Learning
 * as a Bargaining Game", ICML 2022): the update {@code d = Σ_t α_t g_t} is the Nash bargaining
 * solution, {@code α_t (G α)_t = 1} ({@link AlphaFairAllocation} with p = 1). As in the authors'
 * code the Gram matrix is first divided by its Frobenius norm, the weights are recomputed every
 * {@code update_weights_every} steps (warm-started from, and otherwise equal to, the previous
 * ones), and the combined gradient is clipped to norm {@code max_norm} (0: no clipping), here
 * exactly from the Gram matrix. The bargaining solution makes the update invariant to the scale of
 * each loss: with orthogonal gradients it is the sum of the unit gradients.
 *
 * <p>A solve that does not converge within {@code optim_niter} Newton iterations is reported in the
 * run log; its last iterate is used when finite, else the previous weights.
 */
final class NashMtl extends GradientBalancing {
  private static final String STATE = "nash_mtl.alpha";

  private final int every;
  private final double maxNorm;
  private final AlphaFairAllocation solver;
  private final SolverReport report = new SolverReport("nash-mtl");
  private final double[][] normalized;
  private final double[] alpha;
  private final double[] candidate;

  NashMtl(int taskCount, boolean repGrad, int every, int iterations, double maxNorm) {
    super(taskCount, repGrad, "nash-mtl");
    this.every = every;
    this.maxNorm = maxNorm;
    this.solver = new AlphaFairAllocation(taskCount, iterations, 1);
    this.normalized = new double[taskCount][taskCount];
    this.alpha = new double[taskCount];
    this.candidate = new double[taskCount];
    AlphaFairAllocation.reset(alpha);
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    return coefficients(gram, step.step());
  }

  /** β with {@code d = Σ_t β_t g_t}; updates the warm start. */
  double[] coefficients(double[][] gram, long step) {
    int t = gram.length;
    if (step % every == 0) {
      double frobenius = 0;
      for (double[] row : gram) {
        for (double v : row) {
          frobenius += v * v;
        }
      }
      frobenius = Math.sqrt(frobenius);
      if (frobenius > 0) {
        for (int i = 0; i < t; i++) {
          for (int j = 0; j < t; j++) {
            normalized[i][j] = gram[i][j] / frobenius;
          }
        }
        System.arraycopy(alpha, 0, candidate, 0, t);
        boolean converged = solver.solve(normalized, candidate);
        boolean finite = true;
        for (double a : candidate) {
          finite &= Double.isFinite(a) && a > 0;
        }
        if (!converged) {
          report.notConverged(
              step,
              solver.iterations(),
              solver.residual(),
              finite ? "its last iterate is used" : "the previous weights are kept");
        }
        if (finite) {
          System.arraycopy(candidate, 0, alpha, 0, t);
        }
      }
    }
    double[] beta = alpha.clone();
    if (maxNorm > 0) {
      double sq = 0;
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          sq += beta[i] * gram[i][j] * beta[j];
        }
      }
      double norm = Math.sqrt(Math.max(sq, 0));
      if (norm > maxNorm) {
        for (int i = 0; i < t; i++) {
          beta[i] *= maxNorm / norm;
        }
      }
    }
    return beta;
  }

  SolverReport report() {
    return report;
  }

  @Override
  public Map<String, double[]> state() {
    return Map.of(STATE, alpha.clone());
  }

  @Override
  public void restore(Map<String, double[]> state) {
    System.arraycopy(
        Checks.stateEntry(state, STATE, alpha.length, "nash-mtl"), 0, alpha, 0, alpha.length);
  }
}
