package org.mtl4j.weighting;

import java.util.Locale;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * MGDA-UB (Sener and Koltun, "Multi-Task Learning as Multi-Objective Optimization", NeurIPS 2018):
 * the update is the min-norm point of the convex hull of the task gradients, {@code Σ_t λ_t g_t}
 * with λ on the simplex, found by {@link MinNormSolver} (exact for two tasks, Frank-Wolfe beyond).
 * With {@code rep_grad} the gradients are taken with respect to the shared representation Z, which
 * is the paper's upper-bound variant MGDA-UB (§3.3); without it, the plain MGDA on the shared
 * parameters.
 *
 * <p>Before solving, each g_t is divided by a normaliser as in the authors' code: {@code none} (1),
 * {@code l2} (‖g_t‖), {@code loss} (L_t) or {@code loss+} (L_t·‖g_t‖). As in their training loop,
 * the weights λ found on the normalised gradients then scale the raw task gradients.
 */
final class MultipleGradientDescent extends GradientBalancing {
  static final double TINY = 1e-12;

  /** Gradient normalisation before the min-norm problem. */
  enum Normalization {
    NONE,
    L2,
    LOSS,
    LOSS_PLUS;

    static Normalization parse(String name) {
      return name.equals("loss+") ? LOSS_PLUS : valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  private final Normalization normalization;

  MultipleGradientDescent(int taskCount, boolean repGrad, Normalization normalization) {
    super(taskCount, repGrad, "mgda");
    this.normalization = normalization;
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    return weights(gram, losses, normalization);
  }

  /** The min-norm weights λ for the Gram matrix of the raw gradients. */
  static double[] weights(double[][] gram, double[] losses, Normalization normalization) {
    int t = gram.length;
    double[] norm = new double[t];
    for (int i = 0; i < t; i++) {
      double n =
          switch (normalization) {
            case NONE -> 1.0;
            case L2 -> Math.sqrt(gram[i][i]);
            case LOSS -> losses[i];
            case LOSS_PLUS -> losses[i] * Math.sqrt(gram[i][i]);
          };
      norm[i] = Math.max(n, TINY);
    }
    double[][] scaled = new double[t][t];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        scaled[i][j] = gram[i][j] / (norm[i] * norm[j]);
      }
    }
    return MinNormSolver.solve(scaled);
  }
}
