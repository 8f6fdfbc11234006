package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code moco}: MoCo of Fernando et al., ICLR 2023. */
public final class MoCoProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "moco";
  }

  @Override
  public String description() {
    return "MoCo (Fernando et al., Mitigating Gradient Bias in Multi-objective Learning, ICLR"
        + " 2023): MGDA weights on bias-corrected tracked gradients";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble("beta", 0.5, "tracking rate of the gradient estimates, in (0, 1]"),
        OptionSpec.ofDouble("beta_sigma", 0.5, "decay exponent of beta over steps (>= 0)"),
        OptionSpec.ofDouble("gamma", 0.1, "step size of the simplex weights (> 0)"),
        OptionSpec.ofDouble("gamma_sigma", 0.5, "decay exponent of gamma over steps (>= 0)"),
        OptionSpec.ofDouble("rho", 0.0, "L2 regularisation of the weights' update (>= 0)"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    double beta = options.getDouble("beta");
    if (!(beta > 0 && beta <= 1)) {
      throw options.invalid("beta", beta, "a number in (0, 1]");
    }
    return new MomentumCorrection(
        Checks.taskCount(context, name()),
        context.backend(),
        beta,
        Checks.nonNegative(options, "beta_sigma"),
        Checks.positive(options, "gamma"),
        Checks.nonNegative(options, "gamma_sigma"),
        Checks.nonNegative(options, "rho"));
  }

  /**
   * Gradient level on the shared parameters only (the representation's shape follows the batch);
   * the tracked gradients, weights and step count are in state().
   */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL.withRepresentationGradients(false);
  }

  @Override
  public String assumptions() {
    return "stochastic gradients bias MGDA; momentum-tracked gradient estimates correct it. The"
        + " paper's step is x <- x - a Y lambda, without optimiser momentum: under Adam use"
        + " beta1: 0 (MultiFashion, 3 epochs: left/right 0.481/0.466 with beta1 0,"
        + " 0.355/0.273 with 0.9)";
  }

  @Override
  public String costPerStep() {
    return "T backward passes, T tracked gradients of P entries and a λ update";
  }
}
