package org.mtl4j.weighting;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * FAMO, Fast Adaptive Multitask Optimization (Liu, Feng, Stone and Liu, NeurIPS 2023, Algorithm 1):
 * task logits ξ, weights {@code z = softmax(ξ)}, and the update direction {@code Σ_t (z_t / c) ∇
 * log L_t} with {@code c = Σ_t z_t / L_t}, i.e. loss weights {@code β_t = z_t / (c · L_t)} (Σ β =
 * 1) in one backward pass. After a step the logits follow the observed decrease of the log losses,
 * {@code δ_t = log L_t(before) − log L_t(after)}: ξ takes an Adam step (lr {@code lr}, L2 decay
 * {@code gamma}, β = (0.9, 0.999), ε = 1e-8, as in the authors' code) along {@code ∂z/∂ξᵀ δ = z ⊙
 * (δ − (z·δ))}, which shifts weight towards the tasks whose losses fell least. The losses are
 * shifted by 1e-8 (the authors' ε; their minimum losses are 0).
 *
 * <p>What differs from the paper: "after" is the next step's mini-batch loss, so δ compares the
 * losses of two consecutive batches, whereas the authors' code evaluates the same batch again after
 * the update. This costs no extra forward pass per step (the budget of a loss-level method) and
 * adds the batch-to-batch noise of the losses to δ; the logits' Adam step averages it out over
 * steps. The logits, Adam moments and last losses are checkpointed.
 */
final class FastAdaptiveMultitask extends LossWeighting {
  static final double EPS = 1e-8;
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double ADAM_EPS = 1e-8;

  private final double lr;
  private final double gamma;
  private final double[] logits;
  private final double[] m;
  private final double[] v;
  private final double[] z;
  private long updates;
  private double[] previous;

  FastAdaptiveMultitask(int taskCount, double lr, double gamma) {
    super(taskCount, "famo");
    this.lr = lr;
    this.gamma = gamma;
    this.logits = new double[taskCount];
    this.m = new double[taskCount];
    this.v = new double[taskCount];
    this.z = new double[taskCount];
  }

  @Override
  double[] weights(WeightingStep step) {
    double[] losses = step.lossValues();
    if (previous != null) {
      update(previous, losses);
    } else {
      previous = new double[losses.length];
    }
    System.arraycopy(losses, 0, previous, 0, losses.length);
    return weightsFor(losses);
  }

  /** {@code β_t = z_t / (c · (L_t + ε))} for the current logits. */
  double[] weightsFor(double[] losses) {
    softmax(logits, z);
    double c = 0;
    for (int i = 0; i < z.length; i++) {
      c += z[i] / (losses[i] + EPS);
    }
    double[] w = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      w[i] = z[i] / (c * (losses[i] + EPS));
    }
    return w;
  }

  /** One Adam step of the logits on the decrease of the log losses from before to after. */
  void update(double[] before, double[] after) {
    softmax(logits, z);
    double[] d = logitGradient(z, before, after);
    updates++;
    double c1 = 1 - Math.pow(BETA1, updates);
    double c2 = 1 - Math.pow(BETA2, updates);
    for (int i = 0; i < z.length; i++) {
      double grad = d[i] + gamma * logits[i];
      m[i] = BETA1 * m[i] + (1 - BETA1) * grad;
      v[i] = BETA2 * v[i] + (1 - BETA2) * grad * grad;
      logits[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + ADAM_EPS);
    }
  }

  /** {@code ∂z/∂ξᵀ δ = z ⊙ (δ − z·δ)} for the weights z and the log-loss decrease δ. */
  static double[] logitGradient(double[] z, double[] before, double[] after) {
    double zDelta = 0;
    for (int i = 0; i < z.length; i++) {
      zDelta += z[i] * delta(before, after, i);
    }
    double[] d = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      d[i] = z[i] * (delta(before, after, i) - zDelta);
    }
    return d;
  }

  private static double delta(double[] before, double[] after, int i) {
    return Math.log(before[i] + EPS) - Math.log(after[i] + EPS);
  }

  private static void softmax(double[] x, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (double a : x) {
      max = Math.max(max, a);
    }
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      out[i] = Math.exp(x[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < x.length; i++) {
      out[i] /= sum;
    }
  }

  /** The task weights z = softmax(ξ). */
  double[] taskWeights() {
    double[] out = new double[logits.length];
    softmax(logits, out);
    return out;
  }

  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("logits", logits.clone());
    s.put("adam.m", m.clone());
    s.put("adam.v", v.clone());
    s.put("adam.updates", new double[] {updates});
    if (previous != null) {
      s.put("losses.previous", previous.clone());
    }
    return s;
  }

  @Override
  public void restore(Map<String, double[]> state) {
    int t = taskCount();
    System.arraycopy(Checks.stateEntry(state, "logits", t, "famo"), 0, logits, 0, t);
    System.arraycopy(Checks.stateEntry(state, "adam.m", t, "famo"), 0, m, 0, t);
    System.arraycopy(Checks.stateEntry(state, "adam.v", t, "famo"), 0, v, 0, t);
    updates = (long) Checks.stateEntry(state, "adam.updates", 1, "famo")[0];
    previous =
        state.containsKey("losses.previous")
            ? Checks.stateEntry(state, "losses.previous", t, "famo")
            : null;
  }
}
