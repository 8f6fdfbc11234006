package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code aligned-mtl}: Aligned-MTL of Senushkin et al., CVPR 2023. */
public final class AlignedMtlProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "aligned-mtl";
  }

  @Override
  public String description() {
    return "Aligned-MTL (Senushkin et al., Independent Component Alignment for Multi-Task"
        + " Learning, CVPR 2023): align the task gradients to a condition number of 1, then sum";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofBoolean(
            "rep_grad", false, PcGradProvider.REP_GRAD_HELP + " (the paper's Aligned-MTL-UB)"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new AlignedMtl(Checks.taskCount(context, name()), options.getBoolean("rep_grad"));
  }

  /** Gradient level; Aligned-MTL-UB on the representation as in the paper; stateless. */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL;
  }

  @Override
  public String assumptions() {
    return "the gradient system should be well conditioned; aligns it through the Gram matrix's"
               + " eigendecomposition";
  }

  @Override
  public String costPerStep() {
    return "T backward passes and a T×T eigendecomposition";
  }
}
