package org.mtl4j.weighting;

import java.util.Map;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * GradVac, "gradient vaccine" (Wang, Tsvetkov, Firat and Cao, "Gradient Vaccine: Investigating and
 * Improving Multi-task Optimization in Massively Multilingual Models", ICLR 2021, Algorithm 1):
 * like PCGrad it visits, for each task i, the other tasks j in random order, but instead of only
 * removing conflicts it raises the cosine similarity φ between the running {@code g_i'} and {@code
 * g_j} to an adaptive target φ̂_ij whenever φ < φ̂_ij:
 *
 * <pre>
 *   g_i' += g_j · ‖g_i'‖ (φ̂ sqrt(1 − φ²) − φ sqrt(1 − φ̂²)) / (‖g_j‖ sqrt(1 − φ̂²)),
 *   φ̂_ij ← (1 − β) φ̂_ij + β φ        (every visit; φ̂ starts at 0, where it is PCGrad),
 * </pre>
 *
 * and the update is {@code Σ_i g_i'}. As in {@link ProjectingConflictingGradients} the running
 * vectors are tracked as coefficients over the original gradients, from the Gram matrix. The
 * targets φ̂ are the method's state (checkpointed). Granularity is the whole shared model, the
 * default of LibMTL's implementation; the paper's per-layer targets are not offered.
 */
final class GradientVaccine extends GradientBalancing {
  static final double EPS = 1e-8;
  private static final String STATE = "gradvac.targets";

  private final double beta;
  private final long seed;
  private final double[][] targets;
  private final double[] c;
  private final double[] gc;
  private final int[] others;

  GradientVaccine(int taskCount, double beta, long seed) {
    super(taskCount, false, "gradvac");
    this.beta = beta;
    this.seed = seed;
    this.targets = new double[taskCount][taskCount];
    this.c = new double[taskCount];
    this.gc = new double[taskCount];
    this.others = new int[Math.max(taskCount - 1, 0)];
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    return coefficients(gram, CounterRng.derive(seed, step.step()));
  }

  /** The update's coefficients for a Gram matrix with orders drawn from {@code stepSeed}. */
  double[] coefficients(double[][] gram, long stepSeed) {
    int t = gram.length;
    double[] total = new double[t];
    for (int i = 0; i < t; i++) {
      java.util.Arrays.fill(c, 0);
      c[i] = 1;
      for (int j = 0, k = 0; j < t; j++) {
        if (j != i) {
          others[k++] = j;
        }
      }
      RandomDraws.shuffle(others, CounterRng.derive(stepSeed, i));
      for (int j : others) {
        double sq = 0;
        for (int a = 0; a < t; a++) {
          double s = 0;
          for (int b = 0; b < t; b++) {
            s += gram[a][b] * c[b];
          }
          gc[a] = s;
          sq += c[a] * s;
        }
        double pcNorm = Math.sqrt(Math.max(sq, 0));
        double gjNorm = Math.sqrt(Math.max(gram[j][j], 0));
        double phi = gc[j] / (pcNorm * gjNorm + EPS);
        double target = targets[i][j];
        if (phi < target) {
          double w =
              pcNorm
                  * (target * Math.sqrt(Math.max(1 - phi * phi, 0))
                      - phi * Math.sqrt(Math.max(1 - target * target, 0)))
                  / (gjNorm * Math.sqrt(Math.max(1 - target * target, 0)) + EPS);
          c[j] += w;
        }
        targets[i][j] = (1 - beta) * target + beta * phi;
      }
      for (int k = 0; k < t; k++) {
        total[k] += c[k];
      }
    }
    return total;
  }

  @Override
  public Map<String, double[]> state() {
    int t = targets.length;
    double[] flat = new double[t * t];
    for (int i = 0; i < t; i++) {
      System.arraycopy(targets[i], 0, flat, i * t, t);
    }
    return Map.of(STATE, flat);
  }

  @Override
  public void restore(Map<String, double[]> state) {
    int t = targets.length;
    double[] flat = Checks.stateEntry(state, STATE, t * t, "gradvac");
    for (int i = 0; i < t; i++) {
      System.arraycopy(flat, i * t, targets[i], 0, t);
    }
  }
}
