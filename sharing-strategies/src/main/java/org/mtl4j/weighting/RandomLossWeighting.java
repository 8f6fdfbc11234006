package org.mtl4j.weighting;

import java.util.Locale;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * Random Loss Weighting (Lin, Ye, Xu, Shi and Zhang, "Reasonable Effectiveness of Random Weighting:
 * A Litmus Test for Multi-Task Learning", TMLR 2022; arXiv:2111.10603 "A Closer Look at Loss
 * Weighting in Multi-Task Learning", 2021): each step draws λ̃ from a distribution and weights the
 * losses by {@code λ = f(λ̃)}. As in the authors' implementation (LibMTL), uniform U(0, 1),
 * standard normal and Dirichlet(1) samples are normalised by softmax, Bernoulli(1/2) samples are
 * used as drawn (redrawn while all zero), and constrained Bernoulli picks one task uniformly.
 *
 * <p>Draws come from a counter-based generator keyed by (seed, step), so a run is reproducible and
 * a resumed run continues the same sequence without saved state.
 */
final class RandomLossWeighting extends LossWeighting {

  /** The distributions of the paper. */
  enum Distribution {
    NORMAL,
    UNIFORM,
    DIRICHLET,
    BERNOULLI,
    CONSTRAINED_BERNOULLI;

    String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Distribution distribution;
  private final long seed;

  RandomLossWeighting(int taskCount, Distribution distribution, long seed) {
    super(taskCount, "rlw");
    this.distribution = distribution;
    this.seed = seed;
  }

  @Override
  double[] weights(WeightingStep step) {
    return weightsForStep(step.step());
  }

  /** The weights of global step {@code step}. */
  double[] weightsForStep(long step) {
    long s = CounterRng.derive(seed, step);
    int t = taskCount();
    double[] w = new double[t];
    switch (distribution) {
      case NORMAL -> {
        for (int i = 0; i < t; i++) {
          w[i] = RandomDraws.gaussian(s, i);
        }
        softmaxInPlace(w);
      }
      case UNIFORM -> {
        for (int i = 0; i < t; i++) {
          w[i] = RandomDraws.uniform(s, i);
        }
        softmaxInPlace(w);
      }
      case DIRICHLET -> {
        double sum = 0;
        for (int i = 0; i < t; i++) {
          w[i] = -Math.log(1.0 - RandomDraws.uniform(s, i));
          sum += w[i];
        }
        for (int i = 0; i < t; i++) {
          w[i] /= sum;
        }
        softmaxInPlace(w);
      }
      case BERNOULLI -> {
        for (long round = 0; ; round++) {
          int ones = 0;
          for (int i = 0; i < t; i++) {
            w[i] = RandomDraws.uniform(s, round * t + i) < 0.5 ? 1.0 : 0.0;
            ones += (int) w[i];
          }
          if (ones > 0) {
            break;
          }
        }
      }
      case CONSTRAINED_BERNOULLI -> w[RandomDraws.index(s, 0, t)] = 1.0;
      default -> throw new IllegalStateException(distribution.name());
    }
    return w;
  }

  private static void softmaxInPlace(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.exp(x[i] - max);
      sum += x[i];
    }
    for (int i = 0; i < x.length; i++) {
      x[i] /= sum;
    }
  }
}
