package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code equal}: the sum of the task losses (α_t = 1), the multi-task learning baseline. */
public final class EqualWeightingProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "equal";
  }

  @Override
  public String description() {
    return "equal weights: sum of task losses (alpha_t = 1)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of();
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new EqualWeighting(Checks.taskCount(context, name()));
  }

  /** Stateless. */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.LOSS_LEVEL;
  }

  @Override
  public String assumptions() {
    return "the losses are on comparable scales (each enters with weight 1, or tasks[i].weight)";
  }
}
