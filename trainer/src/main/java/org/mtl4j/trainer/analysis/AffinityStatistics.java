package org.mtl4j.trainer.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running averages of the measurements of {@link AffinityMeter}: the mean lookahead affinity matrix
 * over the run, and per task pair and epoch the mean gradient cosine and the fraction of sampled
 * steps whose gradients conflicted; per task the mean gradient norm relative to the mean over
 * tasks.
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

  /**
   * The raw sums as plain lists and numbers, for {@code affinity.json}; {@link #fromMap} reads them
   * back so that {@code mtl4j analyse} can rebuild the report.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tasks", tasks);
    m.put("samples", samples);
    m.put("affinity_sum", affinitySum);
    m.put("norm_ratio_sum", normRatioSum);
    List<Map<String, Object>> epochs = new ArrayList<>();
    byEpoch.forEach(
        (epoch, e) -> {
          Map<String, Object> em = new LinkedHashMap<>();
          em.put("epoch", epoch);
          em.put("samples", e.samples);
          em.put("cosine_sum", e.cosineSum);
          em.put("conflicts", e.conflicts);
          epochs.add(em);
        });
    m.put("epochs", epochs);
    return m;
  }

  /**
   * Rebuilds statistics from {@link #toMap()} output as read back from JSON.
   *
   * @throws IllegalArgumentException naming the entry that is missing or malformed
   */
  public static AffinityStatistics fromMap(Map<String, Object> m) {
    List<String> names = new ArrayList<>();
    for (Object o : list(m, "tasks")) {
      names.add(String.valueOf(o));
    }
    AffinityStatistics s = new AffinityStatistics(names);
    int t = names.size();
    s.samples = number(m, "samples").longValue();
    fill(s.affinitySum, list(m, "affinity_sum"), "affinity_sum", t);
    List<?> ratios = list(m, "norm_ratio_sum");
    if (ratios.size() != t) {
      throw new IllegalArgumentException(
          "norm_ratio_sum has " + ratios.size() + " values, expected " + t);
    }
    for (int i = 0; i < t; i++) {
      s.normRatioSum[i] = ((Number) ratios.get(i)).doubleValue();
    }
    for (Object o : list(m, "epochs")) {
      if (!(o instanceof Map<?, ?> em)) {
        throw new IllegalArgumentException("epochs: entries must be objects");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> e = (Map<String, Object>) em;
      EpochPairs pairs = new EpochPairs(t);
      pairs.samples = number(e, "samples").longValue();
      fill(pairs.cosineSum, list(e, "cosine_sum"), "cosine_sum", t);
      double[][] conflicts = new double[t][t];
      fill(conflicts, list(e, "conflicts"), "conflicts", t);
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          pairs.conflicts[i][j] = (long) conflicts[i][j];
        }
      }
      s.byEpoch.put(number(e, "epoch").intValue(), pairs);
    }
    return s;
  }

  private static List<?> list(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof List<?> l)) {
      throw new IllegalArgumentException(key + ": missing or not a list");
    }
    return l;
  }

  private static Number number(Map<String, Object> m, String key) {
    if (!(m.get(key) instanceof Number n)) {
      throw new IllegalArgumentException(key + ": missing or not a number");
    }
    return n;
  }

  private static void fill(double[][] target, List<?> rows, String key, int t) {
    if (rows.size() != t) {
      throw new IllegalArgumentException(key + " has " + rows.size() + " rows, expected " + t);
    }
    for (int i = 0; i < t; i++) {
      if (!(rows.get(i) instanceof List<?> row) || row.size() != t) {
        throw new IllegalArgumentException(key + "[" + i + "] is not a list of " + t + " numbers");
      }
      for (int j = 0; j < t; j++) {
        if (!(row.get(j) instanceof Number n)) {
          throw new IllegalArgumentException(key + "[" + i + "][" + j + "] is not a number");
        }
        target[i][j] = n.doubleValue();
      }
    }
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
