package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code uncertainty}: homoscedastic uncertainty weighting of Kendall et al., CVPR 2018. */
public final class UncertaintyWeightingProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "uncertainty";
  }

  @Override
  public String description() {
    return "uncertainty weighting (Kendall et al., CVPR 2018): learned log-variances per task";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble(
            "init_log_var", 0.0, "initial log-variance s_t = log sigma_t^2 of every task"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    Checks.taskCount(context, name());
    double init = options.getDouble("init_log_var");
    return new UncertaintyWeighting(context.tasks(), context.backend(), init);
  }

  /** Its log-variances are parameters, checkpointed with the network. */
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
    return "each loss is a likelihood with a learnable noise scale (homoscedastic uncertainty)";
  }

  @Override
  public String costPerStep() {
    return "one backward pass, as equal, and T learned log-variances";
  }
}
