package org.mtl4j.weighting;

import org.mtl4j.api.weighting.WeightingStep;

/**
 * Geometric Loss Strategy (Chennupati, Sistu, Yogamani and Rawashdeh, "MultiNet++: Multi-Stream
 * Feature Aggregation and Geometric Loss Strategy for Multi-Task Learning", CVPR Workshops 2019,
 * eq. 2): the objective is the geometric mean of the task losses, {@code (Π_t L_t)^(1/T) + Ω},
 * which is invariant to each loss's scale up to a constant factor. Its gradient is {@code Σ_t β_t
 * ∇L_t} with {@code β_t = G / (T · L_t)}, G the geometric mean, so the method back-propagates that
 * weighted sum once (one backward pass, like {@code equal}) and reports β.
 *
 * <p>A loss at or below {@value #FLOOR} is taken as {@value #FLOOR} in G and β (a task with no
 * labelled example in the batch has loss 0 and no gradient); G then nearly vanishes, as the product
 * it is, and the step barely moves the network.
 */
final class GeometricLossStrategy extends LossWeighting {
  static final double FLOOR = 1e-12;

  GeometricLossStrategy(int taskCount) {
    super(taskCount, "gls");
  }

  @Override
  double[] weights(WeightingStep step) {
    return weightsFor(step.lossValues());
  }

  /** {@code β_t = G / (T · L_t)} for the loss values L. */
  static double[] weightsFor(double[] losses) {
    int t = losses.length;
    double meanLog = 0;
    for (double l : losses) {
      meanLog += Math.log(Math.max(l, FLOOR));
    }
    double geometricMean = Math.exp(meanLog / t);
    double[] w = new double[t];
    for (int i = 0; i < t; i++) {
      w[i] = geometricMean / (t * Math.max(losses[i], FLOOR));
    }
    return w;
  }
}
