package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code famo}: Fast Adaptive Multitask Optimization of Liu et al., NeurIPS 2023. */
public final class FamoProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "famo";
  }

  @Override
  public String description() {
    return "FAMO (Liu et al., NeurIPS 2023): balanced log-loss decrease with task logits learned"
        + " from the observed loss decrease, one backward pass";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble("lr", 0.025, "Adam learning rate of the task logits (> 0)"),
        OptionSpec.ofDouble("gamma", 0.01, "L2 decay of the task logits (>= 0)"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new FastAdaptiveMultitask(
        Checks.taskCount(context, name()),
        Checks.positive(options, "lr"),
        Checks.nonNegative(options, "gamma"));
  }

  /** One backward of a weighted sum; logits, Adam moments and last losses in state(). */
  /** Its step couples every task's loss; a one-task-per-step schedule cannot train it. */
  @Override
  public boolean needsEveryTaskPerStep() {
    return true;
  }

  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.LOSS_LEVEL;
  }

  @Override
  public String assumptions() {
    return "every loss is positive; balances the rates at which the log-losses decrease";
  }

  @Override
  public String costPerStep() {
    return "one backward pass, as equal, and a T-dimensional update of the weight logits";
  }
}
