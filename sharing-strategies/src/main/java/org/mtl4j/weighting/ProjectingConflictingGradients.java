package org.mtl4j.weighting;

import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * PCGrad, "gradient surgery" (Yu, Kumar, Gupta, Levine, Hausman and Finn, "Gradient Surgery for
 * Multi-Task Learning", NeurIPS 2020, Algorithm 1): for each task i, starting from {@code g_i^PC =
 * g_i}, visit the other tasks j in random order and, when {@code g_i^PC · g_j < 0}, project onto
 * the normal plane of the original g_j: {@code g_i^PC −= (g_i^PC · g_j / ‖g_j‖²) g_j}. The update
 * is {@code Σ_i g_i^PC}.
 *
 * <p>Every projection subtracts a multiple of an original gradient, so each g_i^PC is a linear
 * combination of the g_j whose coefficients follow from the Gram matrix alone; the method tracks
 * those coefficients on the host and forms the sum once on the device. The visiting order is drawn
 * from (seed, step, i), so runs are reproducible.
 */
final class ProjectingConflictingGradients extends GradientBalancing {
  private final long seed;

  ProjectingConflictingGradients(int taskCount, boolean repGrad, long seed) {
    super(taskCount, repGrad, "pcgrad");
    this.seed = seed;
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    return coefficients(gram, CounterRng.derive(seed, step.step()));
  }

  /** The PCGrad coefficients for a Gram matrix with orders drawn from {@code stepSeed}. */
  static double[] coefficients(double[][] gram, long stepSeed) {
    int t = gram.length;
    double[] total = new double[t];
    for (int i = 0; i < t; i++) {
      double[] c = new double[t];
      c[i] = 1;
      int[] others = new int[t - 1];
      for (int j = 0, k = 0; j < t; j++) {
        if (j != i) {
          others[k++] = j;
        }
      }
      RandomDraws.shuffle(others, CounterRng.derive(stepSeed, i));
      for (int j : others) {
        double dot = 0;
        for (int k = 0; k < t; k++) {
          dot += c[k] * gram[k][j];
        }
        if (dot < 0 && gram[j][j] > 0) {
          c[j] -= dot / gram[j][j];
        }
      }
      for (int k = 0; k < t; k++) {
        total[k] += c[k];
      }
    }
    return total;
  }
}
