package org.mtl4j.weighting;

import java.util.Arrays;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * Equal weighting, α_t = 1: the plain sum of task losses that every multi-task paper uses as its
 * baseline (e.g. the "EW" baseline of Lin et al., "Reasonable Effectiveness of Random Weighting",
 * TMLR 2022).
 */
final class EqualWeighting extends LossWeighting {
  EqualWeighting(int taskCount) {
    super(taskCount, "equal");
  }

  @Override
  double[] weights(WeightingStep step) {
    double[] w = new double[taskCount()];
    Arrays.fill(w, 1.0);
    return w;
  }
}
