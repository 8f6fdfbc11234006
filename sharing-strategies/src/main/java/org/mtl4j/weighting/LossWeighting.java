package org.mtl4j.weighting;

import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * A loss-level method with fixed-form weights: each step it chooses α_t and back-propagates {@code
 * Σ_t α_t L_t + Ω} once.
 */
abstract class LossWeighting implements TaskWeighting {
  private final int taskCount;
  private final String method;

  LossWeighting(int taskCount, String method) {
    this.taskCount = taskCount;
    this.method = method;
  }

  /** The weights α_t of this step. */
  abstract double[] weights(WeightingStep step);

  final int taskCount() {
    return taskCount;
  }

  @Override
  public final GradientSource gradientSource() {
    return GradientSource.NONE;
  }

  @Override
  public final double[] backward(WeightingStep step) {
    Checks.step(step, taskCount, method);
    double[] w = weights(step);
    step.graph().backward(step.weightedSum(w));
    return w.clone();
  }
}
