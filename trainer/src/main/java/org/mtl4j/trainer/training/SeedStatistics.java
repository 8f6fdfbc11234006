package org.mtl4j.trainer.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * Test scores of the same config trained with several seeds, summarised the way papers report them:
 * per task and metric the mean ± sample standard deviation (n - 1 in the denominator) over the
 * seeds, and the same for Δm when every run had baselines.
 */
public final class SeedStatistics {
  /** Mean, sample std and the values of one figure over the seeds. */
  public record Summary(double mean, double std, List<Double> values) {
    public Summary {
      values = List.copyOf(values);
    }

    public static Summary of(List<Double> v) {
      double mean = v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double ss = 0;
      for (double x : v) {
        ss += (x - mean) * (x - mean);
      }
      double std = v.size() > 1 ? Math.sqrt(ss / (v.size() - 1)) : Double.NaN;
      return new Summary(mean, std, v);
    }

    /** {@code mean ± std} with four decimals. */
    public String format() {
      return String.format(Locale.ROOT, "%.4f ± %.4f", mean, std);
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("mean", finite(mean));
      m.put("std", finite(std));
      m.put("values", values.stream().map(SeedStatistics::finite).toList());
      return m;
    }
  }

  private final List<Long> seeds;
  private final Map<String, Map<String, Summary>> test;
  private final Summary deltaM;

  private SeedStatistics(List<Long> seeds, Map<String, Map<String, Summary>> test, Summary deltaM) {
    this.seeds = List.copyOf(seeds);
    this.test = test;
    this.deltaM = deltaM;
  }

  /**
   * Summarises runs of the same tasks.
   *
   * @param seeds the seed of each run
   * @param runs the results, in the order of {@code seeds}
   * @param tasks the task names, in config order
   */
  public static SeedStatistics of(List<Long> seeds, List<TrainingResult> runs, List<String> tasks) {
    if (seeds.size() != runs.size() || runs.isEmpty()) {
      throw new IllegalArgumentException(seeds.size() + " seeds for " + runs.size() + " runs");
    }
    Map<String, Map<String, Summary>> test = new LinkedHashMap<>();
    for (String t : tasks) {
      Map<String, Summary> byMetric = new LinkedHashMap<>();
      TaskScores first = runs.get(0).test().get(t);
      if (first == null) {
        continue;
      }
      List<String> names = new ArrayList<>(first.metrics().keySet());
      names.add("loss");
      for (String m : names) {
        List<Double> v = new ArrayList<>();
        for (TrainingResult r : runs) {
          TaskScores s = r.test().get(t);
          v.add(s == null ? Double.NaN : s.get(m));
        }
        byMetric.put(m, Summary.of(v));
      }
      test.put(t, byMetric);
    }
    boolean baselines = runs.stream().allMatch(r -> !r.baselines().isEmpty());
    Summary dm = baselines ? Summary.of(runs.stream().map(TrainingResult::deltaM).toList()) : null;
    return new SeedStatistics(seeds, test, dm);
  }

  public List<Long> seeds() {
    return seeds;
  }

  /** Per task, per metric (and {@code loss}): the summary over the seeds. */
  public Map<String, Map<String, Summary>> test() {
    return test;
  }

  /** Δm over the seeds, or null when the runs had no baselines. */
  public Summary deltaM() {
    return deltaM;
  }

  /** Console lines: one per task with every metric, then Δm. */
  public List<String> lines() {
    List<String> out = new ArrayList<>();
    int w = test.keySet().stream().mapToInt(String::length).max().orElse(4);
    for (var e : test.entrySet()) {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", e.getKey()));
      e.getValue().forEach((m, s) -> sb.append("  ").append(m).append(' ').append(s.format()));
      out.add(sb.toString());
    }
    if (deltaM != null) {
      out.add(
          String.format(
              Locale.ROOT, "Δm = %+.2f%% ± %.2f%%", 100 * deltaM.mean(), 100 * deltaM.std()));
    }
    return out;
  }

  /** The {@code summary.json} content: seeds, per-task figures, Δm. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seeds", seeds);
    Map<String, Object> t = new LinkedHashMap<>();
    test.forEach(
        (task, metrics) -> {
          Map<String, Object> mm = new LinkedHashMap<>();
          metrics.forEach((k, s) -> mm.put(k, s.toMap()));
          t.put(task, mm);
        });
    m.put("test", t);
    if (deltaM != null) {
      m.put("delta_m", deltaM.toMap());
    }
    return m;
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
