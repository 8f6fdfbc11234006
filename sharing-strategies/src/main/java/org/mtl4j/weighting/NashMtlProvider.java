package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code nash-mtl}: Nash-MTL of Navon et al., ICML 2022. */
public final class NashMtlProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "nash-mtl";
  }

  @Override
  public String description() {
    return "Nash-MTL (Navon et al., Multi-Task Learning as a Bargaining Game, ICML 2022): the"
        + " Nash bargaining solution of the task gradients, invariant to loss scales";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofInt(
            "update_weights_every", 1, "recompute the weights every k steps (>= 1), else reuse"),
        OptionSpec.ofInt(
            "optim_niter", 20, "bound on the Newton iterations of the bargaining solve (>= 1)"),
        OptionSpec.ofDouble(
            "max_norm", 1.0, "clip the combined gradient to this norm (> 0), 0: no clipping"),
        OptionSpec.ofBoolean("rep_grad", false, PcGradProvider.REP_GRAD_HELP));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    int every = options.getInt("update_weights_every");
    if (every < 1) {
      throw options.invalid("update_weights_every", every, "an integer >= 1");
    }
    int iterations = options.getInt("optim_niter");
    if (iterations < 1) {
      throw options.invalid("optim_niter", iterations, "an integer >= 1");
    }
    return new NashMtl(
        Checks.taskCount(context, name()),
        options.getBoolean("rep_grad"),
        every,
        iterations,
        Checks.nonNegative(options, "max_norm"));
  }

  /**
   * Gradient level; the bargaining is defined for any gradient vectors, so also the shared
   * representation's (the authors balance the shared parameters); the warm start is in state().
   */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL;
  }

  @Override
  public String assumptions() {
    return "the update is the Nash bargaining solution among tasks; task gradients are linearly"
        + " independent";
  }

  @Override
  public String costPerStep() {
    return "T backward passes and a bounded-iteration solver on the T×T Gram matrix";
  }
}
