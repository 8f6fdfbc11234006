package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code pcgrad}: gradient surgery of Yu et al., NeurIPS 2020. */
public final class PcGradProvider implements TaskWeightingProvider {
  static final String REP_GRAD_HELP =
      "balance gradients of the shared representation instead of the shared parameters"
          + " (one backward through the trunk per step)";

  @Override
  public String name() {
    return "pcgrad";
  }

  @Override
  public String description() {
    return "PCGrad (Yu et al., NeurIPS 2020): project conflicting task gradients onto each"
        + " other's normal planes";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(OptionSpec.ofBoolean("rep_grad", false, REP_GRAD_HELP));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new ProjectingConflictingGradients(
        Checks.taskCount(context, name()), options.getBoolean("rep_grad"), context.seed());
  }

  /** Stateless; its orders follow from (seed, step). */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL;
  }

  @Override
  public String assumptions() {
    return "task gradients with a negative cosine conflict; removing the conflicting components"
               + " helps";
  }

  @Override
  public String costPerStep() {
    return "T backward passes and O(T² P) projections";
  }
}
