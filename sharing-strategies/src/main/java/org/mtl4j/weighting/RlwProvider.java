package org.mtl4j.weighting;

import java.util.List;
import java.util.Locale;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code rlw}: Random Loss Weighting of Lin et al. (arXiv:2111.10603, 2021; TMLR 2022). */
public final class RlwProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "rlw";
  }

  @Override
  public String description() {
    return "Random Loss Weighting (Lin et al., 2021): fresh random task weights every step";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofChoice(
            "distribution",
            "normal",
            "distribution of the raw weights (softmax-normalised for normal, uniform, dirichlet)",
            "normal",
            "uniform",
            "dirichlet",
            "bernoulli",
            "constrained_bernoulli"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    RandomLossWeighting.Distribution d =
        RandomLossWeighting.Distribution.valueOf(
            options.getString("distribution").toUpperCase(Locale.ROOT));
    return new RandomLossWeighting(Checks.taskCount(context, name()), d, context.seed());
  }

  /** Its draws follow from (seed, step): nothing to carry. */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.LOSS_LEVEL;
  }

  @Override
  public String assumptions() {
    return "random weights, redrawn every step, are as good as tuned ones in expectation";
  }

  @Override
  public String costPerStep() {
    return "one backward pass, as equal, and T random draws";
  }
}
