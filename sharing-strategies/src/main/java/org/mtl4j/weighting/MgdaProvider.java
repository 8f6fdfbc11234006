package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code mgda}: MGDA-UB of Sener and Koltun, NeurIPS 2018. */
public final class MgdaProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "mgda";
  }

  @Override
  public String description() {
    return "MGDA-UB (Sener & Koltun, NeurIPS 2018): min-norm point of the convex hull of the"
        + " task gradients";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofChoice(
            "normalization",
            "none",
            "gradient normaliser before the min-norm problem",
            "none",
            "l2",
            "loss",
            "loss+"),
        OptionSpec.ofBoolean("rep_grad", false, PcGradProvider.REP_GRAD_HELP));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new MultipleGradientDescent(
        Checks.taskCount(context, name()),
        options.getBoolean("rep_grad"),
        MultipleGradientDescent.Normalization.parse(options.getString("normalization")));
  }

  /** Stateless. */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL;
  }

  @Override
  public String assumptions() {
    return "a Pareto-stationary update is wanted: the min-norm point of the task gradients' convex"
               + " hull";
  }

  @Override
  public String costPerStep() {
    return "T backward passes and a min-norm problem on the T×T Gram matrix";
  }
}
