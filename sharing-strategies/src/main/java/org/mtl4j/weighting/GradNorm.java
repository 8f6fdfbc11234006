package org.mtl4j.weighting;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * GradNorm (Chen, Badrinarayanan, Lee and Rabinovich, "GradNorm: Gradient Normalization for
 * Adaptive Loss Balancing in Deep Multitask Networks", ICML 2018). The task weights w_t are
 * learned; the network is trained on {@code Σ_t w_t L_t + Ω} while the weights follow the gradient
 * of
 *
 * <pre>
 *   L_grad = Σ_t | G_t − G̅ · r_t^α |,   G_t = ‖∇_W w_t L_t‖ = w_t ‖∇_W L_t‖,
 *   L̃_t = L_t / L_t(0),   r_t = L̃_t / mean_i L̃_i,
 * </pre>
 *
 * where W is the last shared layer's weight, G̅ is the mean of the G_t, L_t(0) the loss at the
 * first step, and the target {@code G̅ · r_t^α} is treated as a constant (§3.2). Hence {@code
 * ∂L_grad/∂w_t = sign(G_t − target_t) · ‖∇_W L_t‖}. After every optimiser step the weights are
 * renormalised to sum to the number of tasks ({@link #afterOptimizerStep}).
 */
final class GradNorm implements TaskWeighting {
  private final int taskCount;
  private final double alpha;
  private final ComputeBackend backend;
  private final Parameter weights;
  private double[] initialLosses;

  GradNorm(int taskCount, double alpha, ComputeBackend backend) {
    this.taskCount = taskCount;
    this.alpha = alpha;
    this.backend = backend;
    float[] ones = new float[taskCount];
    Arrays.fill(ones, 1f);
    this.weights =
        new Parameter("gradnorm.weights", backend, Shape.row(taskCount), ones, 1f, false);
  }

  @Override
  public GradientSource gradientSource() {
    return GradientSource.NONE;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(weights);
  }

  /** The current task weights w_t. */
  double[] currentWeights() {
    float[] f = backend.toHost(weights.value());
    double[] w = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      w[i] = f[i];
    }
    return w;
  }

  @Override
  public double[] backward(WeightingStep step) {
    Checks.step(step, taskCount, "gradnorm");
    Parameter lastShared = step.lastSharedWeight();
    if (lastShared == null) {
      throw new IllegalArgumentException(
          "gradnorm: the step has no last shared weight (WeightingStep.lastSharedWeight is null);"
              + " GradNorm balances gradient norms on the last shared layer, so it needs a network"
              + " with shared parameters");
    }
    double[] losses = step.lossValues();
    if (initialLosses == null) {
      for (int i = 0; i < losses.length; i++) {
        if (!(losses[i] > 0) || Double.isInfinite(losses[i])) {
          throw new IllegalArgumentException(
              "gradnorm: the first-step loss L_"
                  + i
                  + "(0) of task "
                  + step.tasks().get(i).name()
                  + " must be a positive finite number (GradNorm divides by it), got "
                  + losses[i]);
        }
      }
      initialLosses = losses.clone();
    }
    double[] w = currentWeights();
    Graph g = step.graph();
    Var wVar = g.param(lastShared);
    double[] norms = new double[taskCount];
    for (int i = 0; i < taskCount; i++) {
      Tensor grad = g.grad(step.losses().get(i), List.of(wVar)).get(wVar);
      norms[i] = Math.sqrt(backend.sumSquares(grad));
      grad.close();
    }
    double[] dw = weightGradient(w, norms, losses, initialLosses, alpha);
    float[] df = new float[taskCount];
    for (int i = 0; i < taskCount; i++) {
      df[i] = (float) dw[i];
    }
    Tensor update = backend.fromHost(Shape.row(taskCount), df);
    backend.axpby(1f, update, 1f, weights.grad());
    update.close();
    g.backward(step.weightedSum(w));
    return w;
  }

  /**
   * {@code ∂L_grad/∂w_t} for weights {@code w}, gradient norms {@code ‖∇_W L_t‖}, current and
   * initial losses and asymmetry α, with the target held constant.
   */
  static double[] weightGradient(
      double[] w, double[] gradNorms, double[] losses, double[] initialLosses, double alpha) {
    int t = w.length;
    double[] g = new double[t];
    double meanG = 0;
    double meanRatio = 0;
    double[] ratio = new double[t];
    for (int i = 0; i < t; i++) {
      g[i] = w[i] * gradNorms[i];
      meanG += g[i] / t;
      ratio[i] = losses[i] / initialLosses[i];
      meanRatio += ratio[i] / t;
    }
    double[] dw = new double[t];
    for (int i = 0; i < t; i++) {
      double target = meanG * Math.pow(ratio[i] / meanRatio, alpha);
      dw[i] = Math.signum(g[i] - target) * gradNorms[i];
    }
    return dw;
  }

  /** {@code w · T / Σ w}: the weights rescaled to sum to the number of tasks. */
  static double[] renormalised(double[] w) {
    double sum = 0;
    for (double v : w) {
      sum += v;
    }
    if (!(sum > 0) || Double.isInfinite(sum)) {
      throw new IllegalStateException(
          "gradnorm: the task weights "
              + Arrays.toString(w)
              + " sum to "
              + sum
              + "; cannot renormalise them to sum to "
              + w.length
              + " (lower the learning rate of the weights)");
    }
    double[] out = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      out[i] = w[i] * w.length / sum;
    }
    return out;
  }

  @Override
  public void afterOptimizerStep() {
    double[] w = renormalised(currentWeights());
    float[] f = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      f[i] = (float) w[i];
    }
    backend.upload(f, weights.value());
  }

  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> s = new LinkedHashMap<>();
    if (initialLosses != null) {
      s.put("initial_losses", initialLosses.clone());
    }
    return s;
  }

  @Override
  public void restore(Map<String, double[]> state) {
    initialLosses =
        state.containsKey("initial_losses")
            ? Checks.stateEntry(state, "initial_losses", taskCount, "gradnorm")
            : null;
  }
}
