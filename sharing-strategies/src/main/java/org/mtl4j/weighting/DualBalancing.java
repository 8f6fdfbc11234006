package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * DB-MTL, Dual-Balancing Multi-Task Learning (Lin, Ye, Xu, Shi, Zhang and Kwok, "Dual-Balancing for
 * Multi-Task Learning", arXiv:2308.12029, 2023, Algorithm 1):
 *
 * <ul>
 *   <li>loss-scale balancing: each task is trained on its log loss, {@code ∇ log(L_t + ε) = ∇L_t /
 *       (L_t + ε)} (ε = 1e-8);
 *   <li>gradient-magnitude balancing: each task's shared-parameter gradient {@code g_t} of the log
 *       loss enters an exponential moving average {@code ĝ_t ← b_k ĝ_t + (1 − b_k) g_t}, {@code b_k
 *       = beta / k^beta_sigma} at step k (from 1, ĝ starting at 0), and the shared update is {@code
 *       Σ_t α_t ĝ_t} with {@code α_t = max_s ‖ĝ_s‖ / (‖ĝ_t‖ + ε)}: every task's momentum scaled to
 *       the largest norm.
 * </ul>
 *
 * Task-specific parameters receive their task's log-loss gradient; Ω's gradient is added once. This
 * needs each task's gradient of the shared parameters (T backward sweeps per step, like the
 * gradient-level methods) and keeps T momentum vectors of the shared parameters' size, which are
 * checkpointed. It does not balance representation gradients (as in the authors' code). {@link
 * #backward} reports α.
 */
final class DualBalancing implements TaskWeighting {
  static final double EPS = 1e-8;
  private final int taskCount;
  private final double beta;
  private final double betaSigma;
  private final TaskBuffers momenta;
  private long steps;

  DualBalancing(int taskCount, double beta, double betaSigma, ComputeBackend backend) {
    this.taskCount = taskCount;
    this.beta = beta;
    this.betaSigma = betaSigma;
    this.momenta = new TaskBuffers(backend, "momentum", "db-mtl");
  }

  @Override
  public GradientSource gradientSource() {
    return GradientSource.SHARED_PARAMETERS;
  }

  @Override
  public double[] backward(WeightingStep step) {
    Checks.step(step, taskCount, "db-mtl");
    double[] losses = step.lossValues();
    steps++;
    float b = (float) (beta / Math.pow(steps, betaSigma));
    double[] alpha = new double[taskCount];
    ComputeBackend backend = step.graph().backend();
    try (TensorScope scope = backend.openScope()) {
      PerTaskGradients grads = PerTaskGradients.of(step, false, "db-mtl");
      List<Shape> shapes = new ArrayList<>(grads.shared.size());
      for (Var v : grads.shared) {
        shapes.add(v.shape());
      }
      double[] logScale = new double[taskCount];
      double maxNorm = 0;
      for (int t = 0; t < taskCount; t++) {
        logScale[t] = 1 / (losses[t] + EPS);
        List<Tensor> m = momenta.of(t, shapes, taskCount);
        List<Tensor> g = grads.tasks.get(t).shared();
        for (int k = 0; k < m.size(); k++) {
          backend.axpby((float) ((1 - b) * logScale[t]), g.get(k), b, m.get(k));
        }
        alpha[t] = Math.sqrt(grads.sumSquares(m));
        maxNorm = Math.max(maxNorm, alpha[t]);
      }
      for (int t = 0; t < taskCount; t++) {
        alpha[t] = maxNorm / (alpha[t] + EPS);
        List<Tensor> m = momenta.of(t, shapes, taskCount);
        for (int k = 0; k < m.size(); k++) {
          backend.axpby((float) alpha[t], m.get(k), 1f, grads.shared.get(k).parameter().grad());
        }
      }
      grads.addTaskParameterGradients(logScale);
      if (step.penalty() != null) {
        step.graph().backward(step.penalty());
      }
    }
    return alpha;
  }

  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("steps", new double[] {steps});
    momenta.saveTo(s);
    return s;
  }

  @Override
  public void restore(Map<String, double[]> state) {
    steps = (long) Checks.stateEntry(state, "steps", 1, "db-mtl")[0];
    momenta.restoreFrom(state);
  }

  @Override
  public void close() {
    momenta.close();
  }
}
