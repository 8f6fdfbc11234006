package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code graddrop}: Gradient Sign Dropout of Chen et al., NeurIPS 2020. */
public final class GradDropProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "graddrop";
  }

  @Override
  public String description() {
    return "GradDrop (Chen et al., Just Pick a Sign, NeurIPS 2020): per feature of the shared"
        + " representation keep the task gradients of one sign, drawn by sign purity";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble(
            "leak", 0.0, "share of a dropped gradient that still passes, in [0, 1] (0: none)"),
        OptionSpec.ofBoolean(
            "rep_grad",
            true,
            "must stay true: GradDrop acts on the gradients of the shared representation"
                + " (the paper's activations), whose input signs it uses"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    double leak = options.getDouble("leak");
    if (!(leak >= 0 && leak <= 1)) {
      throw options.invalid("leak", leak, "a number in [0, 1]");
    }
    if (!options.getBoolean("rep_grad")) {
      throw options.invalid(
          "rep_grad",
          false,
          "true: GradDrop masks the gradients of the shared representation by feature, using the"
              + " signs of the activations (Chen et al. 2020, §3); for the shared parameters'"
              + " gradients use pcgrad, gradvac or cagrad");
    }
    return new GradientSignDropout(Checks.taskCount(context, name()), leak, context.seed());
  }

  /**
   * Representation gradients only, so not in synchronous Spark training (which aggregates the
   * shared parameters' gradients); stateless (the draws follow from seed and step).
   */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL.withSparkSync(false);
  }

  @Override
  public String assumptions() {
    return "the signs of the task gradients at the shared representation should agree; inconsistent"
        + " signs are dropped at random";
  }

  @Override
  public String costPerStep() {
    return "T backward passes to the representation and an elementwise sign mask";
  }
}
