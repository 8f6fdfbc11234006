package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code stch}: smooth Tchebycheff scalarisation of Lin et al., ICML 2024. */
public final class StchProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "stch";
  }

  @Override
  public String description() {
    return "STCH (Lin et al., ICML 2024): smooth Tchebycheff scalarisation of nadir-normalised log"
        + " losses after a log-loss warm-up";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble("mu", 1.0, "smoothing μ > 0 (μ → 0: the Tchebycheff maximum)"),
        OptionSpec.ofInt(
            "warmup_epochs",
            4,
            "epochs >= 0 of log-loss training before the nadir epoch (STCH starts after it)"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    int warmup = options.getInt("warmup_epochs");
    if (warmup < 0) {
      throw options.invalid("warmup_epochs", warmup, "an integer >= 0");
    }
    return new SmoothTchebycheff(
        Checks.taskCount(context, name()), Checks.positive(options, "mu"), warmup);
  }

  /** One backward of a weighted sum; the nadir sums are in state(). */
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
    return "every loss is positive; optimises the smoothed worst task relative to an ideal point";
  }
}
