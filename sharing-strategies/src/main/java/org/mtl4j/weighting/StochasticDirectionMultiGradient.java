package org.mtl4j.weighting;

import java.util.Arrays;
import java.util.Map;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * SDMGrad, stochastic direction-oriented multi-objective gradient descent (Xiao, Ban and Ji,
 * "Direction-oriented Multi-objective Learning: Simple and Provable Stochastic Algorithms", NeurIPS
 * 2023, Algorithm 1): the update stays near the mean gradient g0 through a regularised min-norm
 * problem over the simplex,
 *
 * <pre>
 *   w* = argmin_{w ∈ Δ} ½ ‖G^T w‖² + λ g0 · G^T w,   d = (G^T w* + λ g0) / (1 + λ),
 * </pre>
 *
 * solved as the authors' code does, by {@code niter} projected heavy-ball steps (momentum 0.5) on
 * the Gram matrix divided by the squared mean gradient norm, warm-started from the previous w
 * (state, checkpointed), but with step 1/L, L the Gershgorin bound on that matrix's largest
 * eigenvalue: the authors' fixed step 5 oscillates between vertices of the simplex whenever the
 * eigenvalue exceeds 0.6 (two gradients (2, 0) and (0, 1) already do), and 1/L converges. λ = 0 is
 * MGDA, λ → ∞ the mean gradient. The paper estimates the three gradient products from independent
 * mini-batches; here all three come from the step's batch (the deterministic direction of its §3).
 * When the last projected step still moves w by more than 1e-3 the run log says so; the last
 * iterate is used.
 */
final class StochasticDirectionMultiGradient extends GradientBalancing {
  static final double MOMENTUM = 0.5;
  static final double MOVE_TOLERANCE = 1e-3;
  private static final String STATE = "sdmgrad.w";

  private final double lambda;
  private final int iterations;
  private final SolverReport report = new SolverReport("sdmgrad");
  private final double[] w;
  private final double[] velocity;
  private final double[] grad;
  private final double[] mean;
  private final double[] work;

  StochasticDirectionMultiGradient(int taskCount, boolean repGrad, double lambda, int iterations) {
    super(taskCount, repGrad, "sdmgrad");
    this.lambda = lambda;
    this.iterations = iterations;
    this.w = new double[taskCount];
    Arrays.fill(w, 1.0 / taskCount);
    this.velocity = new double[taskCount];
    this.grad = new double[taskCount];
    this.mean = new double[taskCount];
    this.work = new double[taskCount];
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    return coefficients(gram, step.step());
  }

  /** β with {@code d = Σ_t β_t g_t}; advances the warm start. */
  double[] coefficients(double[][] gram, long step) {
    int t = gram.length;
    double meanNorm = 0;
    for (int i = 0; i < t; i++) {
      meanNorm += Math.sqrt(Math.max(gram[i][i], 0)) / t;
    }
    double scale = meanNorm * meanNorm + 1e-8;
    for (int i = 0; i < t; i++) {
      double s = 0;
      for (int j = 0; j < t; j++) {
        s += gram[i][j] / scale;
      }
      mean[i] = s / t; // (G G^T 1/T)_i: g_i · g0
    }
    double lipschitz = 0;
    for (int i = 0; i < t; i++) {
      double row = 0;
      for (int j = 0; j < t; j++) {
        row += Math.abs(gram[i][j]) / scale;
      }
      lipschitz = Math.max(lipschitz, row);
    }
    double lr = lipschitz > 0 ? 1 / lipschitz : 0;
    Arrays.fill(velocity, 0);
    double moved = 0;
    for (int it = 0; it < iterations; it++) {
      for (int i = 0; i < t; i++) {
        double s = 0;
        for (int j = 0; j < t; j++) {
          s += gram[i][j] / scale * w[j];
        }
        grad[i] = s + lambda * mean[i];
        velocity[i] = it == 0 ? grad[i] : MOMENTUM * velocity[i] + grad[i];
      }
      moved = 0;
      for (int i = 0; i < t; i++) {
        work[i] = w[i];
        w[i] -= lr * velocity[i];
      }
      Simplex.projectInPlace(w, grad);
      for (int i = 0; i < t; i++) {
        moved = Math.max(moved, Math.abs(w[i] - work[i]));
      }
    }
    if (moved > MOVE_TOLERANCE) {
      report.notConverged(step, iterations, moved, "the last iterate is used");
    }
    double[] beta = new double[t];
    for (int i = 0; i < t; i++) {
      beta[i] = (w[i] + lambda / t) / (1 + lambda);
    }
    return beta;
  }

  SolverReport report() {
    return report;
  }

  @Override
  public Map<String, double[]> state() {
    return Map.of(STATE, w.clone());
  }

  @Override
  public void restore(Map<String, double[]> state) {
    System.arraycopy(Checks.stateEntry(state, STATE, w.length, "sdmgrad"), 0, w, 0, w.length);
  }
}
