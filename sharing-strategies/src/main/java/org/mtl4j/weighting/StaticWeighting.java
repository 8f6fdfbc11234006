package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * Static weighting, α_t = {@link Task#weight()}: the hand-tuned weighted sum {@code Σ_t α_t L_t}
 * that users write when they know the relative importance of their tasks (the fixed-weight
 * formulation surveyed by Ruder, "An Overview of Multi-Task Learning in Deep Neural Networks",
 * 2017).
 */
final class StaticWeighting extends LossWeighting {
  private final double[] weights;

  StaticWeighting(List<Task> tasks) {
    super(tasks.size(), "static");
    this.weights = tasks.stream().mapToDouble(Task::weight).toArray();
  }

  @Override
  double[] weights(WeightingStep step) {
    return weights.clone();
  }
}
