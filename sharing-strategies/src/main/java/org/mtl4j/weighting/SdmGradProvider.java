package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code sdmgrad}: SDMGrad of Xiao, Ban and Ji, NeurIPS 2023. */
public final class SdmGradProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "sdmgrad";
  }

  @Override
  public String description() {
    return "SDMGrad (Xiao et al., Direction-oriented Multi-objective Learning, NeurIPS 2023):"
        + " min-norm direction regularised towards the mean gradient";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble(
            "lambda", 0.3, "pull towards the mean gradient (>= 0): 0 is MGDA, large the mean"),
        OptionSpec.ofInt("niter", 20, "projected steps on the simplex weights per step (>= 1)"),
        OptionSpec.ofBoolean("rep_grad", false, PcGradProvider.REP_GRAD_HELP));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    int niter = options.getInt("niter");
    if (niter < 1) {
      throw options.invalid("niter", niter, "an integer >= 1");
    }
    return new StochasticDirectionMultiGradient(
        Checks.taskCount(context, name()),
        options.getBoolean("rep_grad"),
        Checks.nonNegative(options, "lambda"),
        niter);
  }

  /**
   * Gradient level; like MGDA-UB the regularised min-norm problem applies to representation
   * gradients too; the warm start is in state().
   */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL;
  }

  @Override
  public String assumptions() {
    return "the update stays close to the average gradient (λ) while improving every task;"
        + " objectives can be sampled";
  }

  @Override
  public String costPerStep() {
    return "T backward passes and projected-gradient steps on the simplex";
  }
}
