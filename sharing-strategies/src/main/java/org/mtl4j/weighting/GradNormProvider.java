package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code gradnorm}: GradNorm of Chen et al., ICML 2018. */
public final class GradNormProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "gradnorm";
  }

  @Override
  public String description() {
    return "GradNorm (Chen et al., ICML 2018): learned weights balancing gradient norms on the"
        + " last shared layer";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble(
            "alpha", 1.5, "asymmetry alpha: strength of the pull towards equal training rates"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new GradNorm(
        Checks.taskCount(context, name()), Checks.nonNegative(options, "alpha"), context.backend());
  }

  /**
   * Per-task gradients of the last shared layer; weights are parameters, initial losses in state().
   */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.LOSS_LEVEL.withPerTaskGradients(true);
  }

  @Override
  public String assumptions() {
    return "tasks should train at similar relative rates, measured by gradient norms of the last"
               + " shared layer";
  }

  @Override
  public String costPerStep() {
    return "T gradient norms at the last shared layer and the weights' own update";
  }
}
