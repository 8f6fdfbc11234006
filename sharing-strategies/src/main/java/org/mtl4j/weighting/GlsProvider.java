package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code gls}: Geometric Loss Strategy of Chennupati et al., CVPR Workshops 2019. */
public final class GlsProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "gls";
  }

  @Override
  public String description() {
    return "Geometric Loss Strategy (Chennupati et al., CVPRW 2019): minimise the geometric mean"
        + " of the task losses";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of();
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new GeometricLossStrategy(Checks.taskCount(context, name()));
  }

  /** One backward of a weighted sum; stateless. */
  /** Its step couples every task's loss; a one-task-per-step schedule cannot train it. */
  @Override
  public boolean needsEveryTaskPerStep() {
    return true;
  }

  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.LOSS_LEVEL;
  }

  @Override
  public String assumptions() {
    return "every loss is positive; the geometric mean makes the objective invariant to each loss's"
        + " scale";
  }
}
