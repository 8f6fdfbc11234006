package org.mtl4j.api.weighting;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Parameter;

/**
 * Task weighting and gradient balancing: turns the per-task losses of a step (and, for
 * gradient-level methods, per-task gradients) into the gradient the optimiser applies.
 *
 * <p>Loss-level methods (equal, static, uncertainty weighting of Kendall et al. 2018, DWA of Liu et
 * al. 2019, GradNorm of Chen et al. 2018, RLW of Lin et al. 2021) choose α_t and back-propagate
 * {@code Σ_t α_t L_t + Ω}. Gradient-level methods (PCGrad of Yu et al. 2020, MGDA-UB of Sener and
 * Koltun 2018, CAGrad of Liu et al. 2021) combine per-task gradients of the shared parameters or
 * representation into one. Either way, {@link #backward} leaves in every parameter's {@link
 * Parameter#grad()} the gradient of the step's objective (gradients start at zero).
 */
public interface TaskWeighting extends AutoCloseable {

  /** What the method differentiates per task. */
  GradientSource gradientSource();

  /**
   * Learned parameters of the method (uncertainty's log-variances, GradNorm's weights), optimised
   * by the trainer's optimiser together with the network; empty for most methods.
   */
  default List<Parameter> parameters() {
    return List.of();
  }

  /**
   * Computes the step's gradients into the parameters' {@code grad} tensors.
   *
   * @return the effective task weights used in this step, for reports (gradient-level methods
   *     return the weights implied by their combination, or NaN where none is defined)
   */
  double[] backward(WeightingStep step);

  /**
   * Called by the trainer after each optimiser step, once the parameters (this method's included)
   * have been updated. GradNorm (Chen et al. 2018) renormalises its learned weights to sum to the
   * number of tasks here.
   */
  default void afterOptimizerStep() {}

  /** Called after each epoch with each task's mean training loss over the epoch (DWA uses it). */
  default void endEpoch(int epoch, double[] meanTaskLosses) {}

  /**
   * Host-side state to checkpoint (loss histories, initial losses); tensors are in parameters().
   */
  default Map<String, double[]> state() {
    return Map.of();
  }

  /** Restores what {@link #state()} returned. */
  default void restore(Map<String, double[]> state) {}

  @Override
  default void close() {
    for (Parameter p : parameters()) {
      p.close();
    }
  }
}
