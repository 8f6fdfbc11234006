package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code cagrad}: Conflict-Averse Gradient descent of Liu et al., NeurIPS 2021. */
public final class CaGradProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "cagrad";
  }

  @Override
  public String description() {
    return "CAGrad (Liu et al., NeurIPS 2021): maximise the worst task's improvement near the"
        + " mean gradient";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble("c", 0.4, "radius c of the ball around the mean gradient (>= 0)"),
        OptionSpec.ofInt(
            "rescale", 1, "divide the update by 1 + c^2 (1), by 1 + c (2) or not at all (0)"),
        OptionSpec.ofBoolean("rep_grad", false, PcGradProvider.REP_GRAD_HELP));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    int rescale = options.getInt("rescale");
    if (rescale < 0 || rescale > 2) {
      throw options.invalid("rescale", rescale, "0, 1 or 2");
    }
    return new ConflictAverseGradient(
        Checks.taskCount(context, name()),
        options.getBoolean("rep_grad"),
        Checks.nonNegative(options, "c"),
        rescale);
  }

  /** Stateless. */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL;
  }

  @Override
  public String assumptions() {
    return "the average gradient is improved while the worst task's local improvement is bounded"
        + " (c)";
  }

  @Override
  public String costPerStep() {
    return "T backward passes and a T-dimensional dual problem";
  }
}
