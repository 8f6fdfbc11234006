package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code gradvac}: Gradient Vaccine of Wang et al., ICLR 2021. */
public final class GradVacProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "gradvac";
  }

  @Override
  public String description() {
    return "GradVac (Wang et al., Gradient Vaccine, ICLR 2021): raise each pair's gradient"
        + " similarity to an adaptive EMA target";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble(
            "beta", 0.5, "EMA rate of the similarity targets, in (0, 1] (LibMTL's default)"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    double beta = options.getDouble("beta");
    if (!(beta > 0 && beta <= 1)) {
      throw options.invalid("beta", beta, "a number in (0, 1]");
    }
    return new GradientVaccine(Checks.taskCount(context, name()), beta, context.seed());
  }

  /**
   * Gradient level on the shared parameters only: the targets track the similarity of parameter
   * gradients across steps (the paper's setting); targets in state().
   */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL.withRepresentationGradients(false);
  }

  @Override
  public String assumptions() {
    return "task pairs should keep the gradient similarity they show on average (EMA targets), not"
        + " only avoid conflict";
  }

  @Override
  public String costPerStep() {
    return "T backward passes and O(T² P) vaccinations";
  }
}
