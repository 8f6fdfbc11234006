package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code fairgrad}: FairGrad of Ban and Ji, ICML 2024. */
public final class FairGradProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "fairgrad";
  }

  @Override
  public String description() {
    return "FairGrad (Ban & Ji, Fair Resource Allocation in Multi-Task Learning, ICML 2024):"
        + " alpha-fair allocation of the tasks' loss decreases";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble(
            "alpha", 1.0, "fairness alpha (> 0): 1 proportional, larger towards max-min fairness"),
        OptionSpec.ofInt(
            "optim_niter", 20, "bound on the Newton iterations of the allocation solve (>= 1)"),
        OptionSpec.ofBoolean("rep_grad", false, PcGradProvider.REP_GRAD_HELP));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    int iterations = options.getInt("optim_niter");
    if (iterations < 1) {
      throw options.invalid("optim_niter", iterations, "an integer >= 1");
    }
    return new FairGrad(
        Checks.taskCount(context, name()),
        options.getBoolean("rep_grad"),
        Checks.positive(options, "alpha"),
        iterations);
  }

  /**
   * Gradient level; the allocation is defined for any gradient vectors, so also the shared
   * representation's (the authors balance the shared parameters); warm start in state().
   */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL;
  }

  @Override
  public String assumptions() {
    return "the tasks' loss decreases are shared by α-fairness (α = 1: proportional fairness)";
  }

  @Override
  public String costPerStep() {
    return "T backward passes and a bounded-iteration solver on the T×T Gram matrix";
  }
}
