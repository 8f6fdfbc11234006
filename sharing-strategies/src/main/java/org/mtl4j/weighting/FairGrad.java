package org.mtl4j.weighting;

import java.util.Map;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * FairGrad (Ban and Ji, "Fair Resource Allocation in Multi-Task Learning", ICML 2024): the update
 * {@code d = Σ_t w_t g_t} allocates the tasks' improvements {@code g_t · d} α-fairly, {@code (G
 * w)_t = w_t^{-1/α}} ({@link AlphaFairAllocation}): α → 0 is the sum of the gradients
 * (utilitarian), α = 1 proportional fairness (Nash-MTL's solution), α → ∞ max-min fairness. The
 * system is solved on the Gram matrix divided by its mean diagonal s, then scaled back exactly
 * ({@code w = s^{-α/(1+α)} v}), warm-started from the previous step (state, checkpointed). A solve
 * that does not converge within {@code optim_niter} Newton iterations is reported in the run log
 * and its last iterate used when finite, else the previous weights.
 */
final class FairGrad extends GradientBalancing {
  private static final String STATE = "fairgrad.weights";

  private final double alpha;
  private final AlphaFairAllocation solver;
  private final SolverReport report = new SolverReport("fairgrad");
  private final double[][] normalized;
  private final double[] v;
  private final double[] candidate;

  FairGrad(int taskCount, boolean repGrad, double alpha, int iterations) {
    super(taskCount, repGrad, "fairgrad");
    this.alpha = alpha;
    this.solver = new AlphaFairAllocation(taskCount, iterations, 1 / alpha);
    this.normalized = new double[taskCount][taskCount];
    this.v = new double[taskCount];
    this.candidate = new double[taskCount];
    AlphaFairAllocation.reset(v);
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    return coefficients(gram, step.step());
  }

  /** The weights w of {@code d = Σ_t w_t g_t}. */
  double[] coefficients(double[][] gram, long step) {
    int t = gram.length;
    double s = 0;
    for (int i = 0; i < t; i++) {
      s += gram[i][i] / t;
    }
    double[] w = new double[t];
    if (!(s > 0)) {
      return w; // every gradient is zero: nothing to allocate
    }
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        normalized[i][j] = gram[i][j] / s;
      }
    }
    System.arraycopy(v, 0, candidate, 0, t);
    boolean converged = solver.solve(normalized, candidate);
    boolean finite = true;
    for (double c : candidate) {
      finite &= Double.isFinite(c) && c > 0;
    }
    if (!converged) {
      report.notConverged(
          step,
          solver.iterations(),
          solver.residual(),
          finite ? "its last iterate is used" : "the previous weights are kept");
    }
    if (finite) {
      System.arraycopy(candidate, 0, v, 0, t);
    }
    double scale = Math.pow(s, -alpha / (1 + alpha));
    for (int i = 0; i < t; i++) {
      w[i] = scale * v[i];
    }
    return w;
  }

  SolverReport report() {
    return report;
  }

  @Override
  public Map<String, double[]> state() {
    return Map.of(STATE, v.clone());
  }

  @Override
  public void restore(Map<String, double[]> state) {
    System.arraycopy(Checks.stateEntry(state, STATE, v.length, "fairgrad"), 0, v, 0, v.length);
  }
}
