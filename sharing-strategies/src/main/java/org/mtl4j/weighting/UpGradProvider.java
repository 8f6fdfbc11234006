package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/**
 * {@code upgrad}: UPGrad of Quinton and Rey, "Jacobian Descent for Multi-Objective Optimization".
 */
public final class UpGradProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "upgrad";
  }

  @Override
  public String description() {
    return "UPGrad (Quinton & Rey, Jacobian Descent for Multi-Objective Optimization, 2024): mean"
        + " of the task gradients projected onto their dual cone, conflicting with no task";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble(
            "norm_eps", 1e-4, "Gram matrices with trace below this count as zero (>= 0)"),
        OptionSpec.ofDouble(
            "reg_eps", 1e-4, "added to the trace-normalised Gram matrix's diagonal (>= 0)"),
        OptionSpec.ofBoolean("rep_grad", false, PcGradProvider.REP_GRAD_HELP));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new UnconflictingProjection(
        Checks.taskCount(context, name()),
        options.getBoolean("rep_grad"),
        Checks.nonNegative(options, "norm_eps"),
        Checks.nonNegative(options, "reg_eps"));
  }

  /**
   * Gradient level; the aggregator is defined for any Jacobian, so also that of the shared
   * representation (as MGDA-UB); stateless.
   */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL;
  }

  @Override
  public String assumptions() {
    return "an update that conflicts with no task: projections onto each gradient's dual cone";
  }

  @Override
  public String costPerStep() {
    return "T backward passes and T quadratic programs on the T×T Gram matrix";
  }
}
