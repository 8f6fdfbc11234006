package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code static}: each task's loss scaled by the weight α_t given in its task definition. */
public final class StaticWeightingProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "static";
  }

  @Override
  public String description() {
    return "static weights: sum of alpha_t * L_t with alpha_t from each task's weight";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of();
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    Checks.taskCount(context, name());
    return new StaticWeighting(context.tasks());
  }

  /** Stateless. */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.LOSS_LEVEL;
  }

  @Override
  public String assumptions() {
    return "good fixed weights are known in advance";
  }
}
