package org.mtl4j.weighting;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * Smooth Tchebycheff scalarisation, STCH (Lin, Zhang, Yang, Liu, Wang and Zhang, "Smooth
 * Tchebycheff Scalarization for Multi-Objective Optimization", ICML 2024, eq. 9): {@code g_μ = μ
 * log Σ_t exp(λ_t (f_t − z*_t) / μ)}, a smooth upper bound of the Tchebycheff scalarisation {@code
 * max_t λ_t (f_t − z*_t)} that tends to it as μ → 0. As in the authors' multi-task code, with
 * uniform preference λ = 1, objectives {@code f_t = log(L_t / n_t)} normalised by a nadir vector n,
 * ideal point 0 and the result scaled by T:
 *
 * <ul>
 *   <li>epochs before {@code warmup_epochs}: the sum of log losses, {@code Σ_t log L_t};
 *   <li>epoch {@code warmup_epochs}: the same, while the nadir n accumulates the mean of each
 *       task's step losses over the epoch;
 *   <li>later epochs: {@code T · μ log Σ_t exp(log(L_t / n_t) / μ)}.
 * </ul>
 *
 * Each is back-propagated as {@code Σ_t β_t L_t + Ω} in one pass, with {@code β_t = 1 / L_t} during
 * warm-up and {@code β_t = T p_t / L_t}, {@code p = softmax(log(L/n) / μ)}, afterwards (ε = 1e-20
 * inside the logarithms, as in the authors' code). The nadir sums are checkpointed.
 */
final class SmoothTchebycheff extends LossWeighting {
  static final double EPS = 1e-20;
  private final double mu;
  private final int warmupEpochs;
  private final double[] nadirSum;
  private long nadirCount;

  SmoothTchebycheff(int taskCount, double mu, int warmupEpochs) {
    super(taskCount, "stch");
    this.mu = mu;
    this.warmupEpochs = warmupEpochs;
    this.nadirSum = new double[taskCount];
  }

  @Override
  double[] weights(WeightingStep step) {
    double[] losses = step.lossValues();
    int t = losses.length;
    double[] w = new double[t];
    if (step.epoch() <= warmupEpochs || nadirCount == 0) {
      if (step.epoch() == warmupEpochs) {
        for (int i = 0; i < t; i++) {
          nadirSum[i] += losses[i];
        }
        nadirCount++;
      }
      for (int i = 0; i < t; i++) {
        w[i] = 1 / (losses[i] + EPS);
      }
      return w;
    }
    return tchebycheffWeights(losses, nadir(), mu);
  }

  /** The nadir vector: the mean step loss of each task over the nadir epoch. */
  double[] nadir() {
    double[] n = new double[nadirSum.length];
    for (int i = 0; i < n.length; i++) {
      n[i] = Math.max(nadirSum[i] / nadirCount, Double.MIN_NORMAL);
    }
    return n;
  }

  /** {@code β_t = T p_t / (L_t + ε n_t)}, {@code p = softmax(log(L/n + ε) / μ)}. */
  static double[] tchebycheffWeights(double[] losses, double[] nadir, double mu) {
    int t = losses.length;
    double[] p = new double[t];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < t; i++) {
      p[i] = Math.log(losses[i] / nadir[i] + EPS) / mu;
      max = Math.max(max, p[i]);
    }
    double sum = 0;
    for (int i = 0; i < t; i++) {
      p[i] = Math.exp(p[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < t; i++) {
      p[i] = t * (p[i] / sum) / (losses[i] + EPS * nadir[i]);
    }
    return p;
  }

  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("nadir.sum", nadirSum.clone());
    s.put("nadir.count", new double[] {nadirCount});
    return s;
  }

  @Override
  public void restore(Map<String, double[]> state) {
    double[] sum = Checks.stateEntry(state, "nadir.sum", taskCount(), "stch");
    System.arraycopy(sum, 0, nadirSum, 0, sum.length);
    nadirCount = (long) Checks.stateEntry(state, "nadir.count", 1, "stch")[0];
  }
}
