package org.mtl4j.trainer.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Running averages of the measurements of {@link AffinityMeter}: the mean lookahead affinity
 * matrix over the run, and per task pair and epoch the mean gradient cosine and the fraction of
 * sampled steps whose gradients conflicted; per task the mean gradient norm relative to the mean
 * over tasks.
 */
public final class AffinityStatistics {
  private final List<String> tasks;
  private final double[][] affinitySum;
  private final double[] normRatioSum;
  private long samples;
  private final TreeMap<Integer, EpochPairs> byEpoch = new TreeMap<>();

  /** Per-epoch sums for every task pair. */
  private static final class EpochPairs {
    final double[][] cosineSum;
    final long[][] conflicts;
    long samples;

    EpochPairs(int t) {
      cosineSum = new double[t][t];
      conflicts = new long[t][t];
    }
  }

  public AffinityStatistics(List<String> tasks) {
    this.tasks = List.copyOf(tasks);
    int t = tasks.size();
    this.affinitySum = new double[t][t];
    this.normRatioSum = new double[t];
  }

  /**
   * Adds one sampled step.
   *
   * @param affinity {@code Z(i→j)}
   * @param dots {@code g_i · g_j} of the per-task shared gradients
   */
  public void add(int epoch, double[][] affinity, double[][] dots) {
    int t = tasks.size();
    samples++;
    EpochPairs e = byEpoch.computeIfAbsent(epoch, k -> new EpochPairs(t));
    e.samples++;
    double meanNorm = 0;
    for (int i = 0; i < t; i++) {
      meanNorm += Math.sqrt(Math.max(0, dots[i][i])) / t;
    }
    for (int i = 0; i < t; i++) {
      normRatioSum[i] += meanNorm == 0 ? 1 : Math.sqrt(Math.max(0, dots[i][i])) / meanNorm;
      for (int j = 0; j < t; j++) {
        affinitySum[i][j] += affinity[i][j];
        double denom = Math.sqrt(dots[i][i] * dots[j][j]);
        double cos = denom == 0 ? 0 : dots[i][j] / denom;
        e.cosineSum[i][j] += cos;
        if (cos < 0) {
          e.conflicts[i][j]++;
        }
      }
    }
  }

  public List<String> tasks() {
    return tasks;
  }

  /** Number of sampled steps. */
  public long samples() {
    return samples;
  }

  /** Mean {@code Z(i→j)} over the run (zeros before any sample). */
  public double[][] meanAffinity() {
    return scaled(affinitySum, samples);
  }

  /** Mean gradient cosine per pair over the run. */
  public double[][] meanCosine() {
    int t = tasks.size();
    double[][] s = new double[t][t];
    for (EpochPairs e : byEpoch.values()) {
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          s[i][j] += e.cosineSum[i][j];
        }
      }
    }
    return scaled(s, samples);
  }

  /** Fraction of sampled steps whose gradients conflicted, per pair, over the run. */
  public double[][] conflictFraction() {
    int t = tasks.size();
    double[][] s = new double[t][t];
    for (EpochPairs e : byEpoch.values()) {
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          s[i][j] += e.conflicts[i][j];
        }
      }
    }
    return scaled(s, samples);
  }

  /** Mean of each task's gradient norm divided by the mean norm over tasks. */
  public double[] meanNormRatio() {
    double[] out = new double[tasks.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = samples == 0 ? 0 : normRatioSum[i] / samples;
    }
    return out;
  }

  /** Epochs with samples, ascending. */
  public List<Integer> epochs() {
    return new ArrayList<>(byEpoch.keySet());
  }

  /** Mean cosine of pair (i, j) in the given epoch. */
  public double cosine(int epoch, int i, int j) {
    EpochPairs e = byEpoch.get(epoch);
    return e == null || e.samples == 0 ? Double.NaN : e.cosineSum[i][j] / e.samples;
  }

  /** Conflict fraction of pair (i, j) in the given epoch. */
  public double conflict(int epoch, int i, int j) {
    EpochPairs e = byEpoch.get(epoch);
    return e == null || e.samples == 0 ? Double.NaN : (double) e.conflicts[i][j] / e.samples;
  }

  private static double[][] scaled(double[][] m, long n) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = new double[m[i].length];
      for (int j = 0; j < m[i].length; j++) {
        out[i][j] = n == 0 ? 0 : m[i][j] / n;
      }
    }
    return out;
  }
}
