package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code dwa}: Dynamic Weight Average of Liu, Johns and Davison, CVPR 2019. */
public final class DwaProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "dwa";
  }

  @Override
  public String description() {
    return "Dynamic Weight Average (Liu et al., CVPR 2019): softmax of loss descent rates";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble(
            "temperature", 2.0, "softmax temperature T of the loss descent rates (> 0)"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new DynamicWeightAverage(
        Checks.taskCount(context, name()), Checks.positive(options, "temperature"));
  }

  /** Its loss history is in state(). */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.LOSS_LEVEL;
  }

  @Override
  public String assumptions() {
    return "the ratio of a task's last two epoch losses measures how fast it learns; weights change"
               + " per epoch";
  }
}
