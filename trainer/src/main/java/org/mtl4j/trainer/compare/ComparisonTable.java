package org.mtl4j.trainer.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.api.task.Metrics;
import org.mtl4j.trainer.compare.EpochSelection.MainMetric;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.io.CsvOutput;
import org.mtl4j.trainer.metrics.TaskScores;
import org.mtl4j.trainer.training.SeedStatistics.Summary;

/**
 * The figures of a finished comparison grid: each run read at its selected epoch ({@link
 * EpochSelection}), Δm against the same seed's single-task baselines (Maninis et al., CVPR 2019),
 * and per method the mean ± sample std over the seeds; {@code results.csv} and {@code results.md}.
 */
public final class ComparisonTable {
  /** One task metric: a column of the table. */
  public record Column(String task, String metric, boolean higherIsBetter) {
    public String label() {
      return task + " " + metric;
    }
  }

  /**
   * One run at its selected epoch; {@code selectedEpochs} holds each task's 1-based epoch (the same
   * for every task of a multi-task run; a single-task baseline row gathers one run per task).
   */
  public record RunFigures(
      String strategy,
      String method,
      long seed,
      Map<String, Integer> selectedEpochs,
      Map<String, TaskScores> validation,
      Map<String, TaskScores> test,
      double deltaM,
      double secondsPerStep) {}

  /** One row of results.md: a method with a strategy over the seeds. */
  public record Row(
      String strategy,
      String method,
      Map<Column, Summary> test,
      Summary deltaM,
      double stepTimeRatio) {
    public boolean isBaseline() {
      return method.equals(CellResult.SINGLE_TASK);
    }
  }

  private final List<Column> columns;
  private final List<RunFigures> runs;
  private final List<Row> rows;

  private ComparisonTable(List<Column> columns, List<RunFigures> runs, List<Row> rows) {
    this.columns = columns;
    this.runs = runs;
    this.rows = rows;
  }

  public List<Column> columns() {
    return columns;
  }

  public List<RunFigures> runs() {
    return runs;
  }

  public List<Row> rows() {
    return rows;
  }

  /**
   * Reads every cell of the grid from the manifest.
   *
   * @param tasks the tasks in config order (their first metric is the main one)
   */
  public static ComparisonTable of(
      List<String> strategies,
      List<String> methods,
      List<Long> seeds,
      List<TaskConfig> tasks,
      Map<String, CellResult> cells) {
    List<Column> columns = new ArrayList<>();
    List<MainMetric> mains = new ArrayList<>();
    for (TaskConfig t : tasks) {
      for (String m : t.metrics()) {
        columns.add(new Column(t.name(), m, Metrics.byName(m).higherIsBetter()));
      }
      String main = t.metrics().get(0);
      mains.add(new MainMetric(t.name(), main, Metrics.byName(main).higherIsBetter()));
    }
    List<RunFigures> runs = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (String s : strategies) {
      Map<Long, Map<String, Double>> baseVal = new LinkedHashMap<>();
      Map<Long, Map<String, Double>> baseTest = new LinkedHashMap<>();
      List<RunFigures> baseRuns = new ArrayList<>();
      for (long seed : seeds) {
        Map<String, Double> val = new LinkedHashMap<>();
        Map<String, Double> test = new LinkedHashMap<>();
        Map<String, TaskScores> valScores = new LinkedHashMap<>();
        Map<String, TaskScores> testScores = new LinkedHashMap<>();
        Map<String, Integer> epochs = new LinkedHashMap<>();
        for (MainMetric m : mains) {
          CellResult c = require(cells, CellResult.baselineKey(s, m.task(), seed));
          int e = EpochSelection.byMetric(c.validation(), m);
          epochs.put(m.task(), e + 1);
          valScores.put(m.task(), c.validation().get(e).get(m.task()));
          testScores.put(m.task(), c.test().get(e).get(m.task()));
          val.put(m.task(), c.validation().get(e).get(m.task()).get(m.metric()));
          test.put(m.task(), c.test().get(e).get(m.task()).get(m.metric()));
        }
        baseVal.put(seed, val);
        baseTest.put(seed, test);
        baseRuns.add(
            new RunFigures(
                s, CellResult.SINGLE_TASK, seed, epochs, valScores, testScores, 0.0, Double.NaN));
      }
      runs.addAll(baseRuns);
      rows.add(row(s, CellResult.SINGLE_TASK, baseRuns, columns, Double.NaN));
      Map<String, List<RunFigures>> byMethod = new LinkedHashMap<>();
      for (String method : methods) {
        List<RunFigures> mr = new ArrayList<>();
        for (long seed : seeds) {
          CellResult c = require(cells, CellResult.key(s, method, seed));
          int e = EpochSelection.byDeltaM(c.validation(), mains, baseVal.get(seed));
          Map<String, TaskScores> test = c.test().get(e);
          mr.add(
              new RunFigures(
                  s,
                  method,
                  seed,
                  epochsOf(mains, e + 1),
                  c.validation().get(e),
                  test,
                  EpochSelection.deltaM(test, mains, baseTest.get(seed)),
                  c.secondsPerStep()));
        }
        byMethod.put(method, mr);
        runs.addAll(mr);
      }
      double equalStep = medianStep(byMethod.get("equal"));
      for (var e : byMethod.entrySet()) {
        rows.add(row(s, e.getKey(), e.getValue(), columns, medianStep(e.getValue()) / equalStep));
      }
    }
    return new ComparisonTable(List.copyOf(columns), List.copyOf(runs), List.copyOf(rows));
  }

  private static Map<String, Integer> epochsOf(List<MainMetric> mains, int epoch) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (MainMetric t : mains) {
      m.put(t.task(), epoch);
    }
    return m;
  }

  private static CellResult require(Map<String, CellResult> cells, String key) {
    CellResult c = cells.get(key);
    if (c == null || c.validation().isEmpty() || c.test().size() != c.validation().size()) {
      throw new IllegalStateException("the grid cell " + key + " is missing or has no epochs");
    }
    return c;
  }

  /** The median over the seeds of each run's step time (NaN when the method is absent). */
  private static double medianStep(List<RunFigures> runs) {
    if (runs == null) {
      return Double.NaN;
    }
    double[] v =
        runs.stream()
            .mapToDouble(RunFigures::secondsPerStep)
            .filter(Double::isFinite)
            .sorted()
            .toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static Row row(
      String strategy, String method, List<RunFigures> runs, List<Column> columns, double ratio) {
    Map<Column, Summary> test = new LinkedHashMap<>();
    for (Column c : columns) {
      List<Double> v = new ArrayList<>();
      for (RunFigures r : runs) {
        TaskScores s = r.test().get(c.task());
        v.add(s == null ? Double.NaN : s.get(c.metric()));
      }
      test.put(c, Summary.of(v));
    }
    Summary dm = Summary.of(runs.stream().map(RunFigures::deltaM).toList());
    return new Row(strategy, method, test, dm, ratio);
  }

  /** {@code results.csv}: one line per run, task and metric, at the run's selected epoch. */
  public String csv() {
    java.io.StringWriter w = new java.io.StringWriter();
    try (CsvOutput csv = new CsvOutput(w, ',', true)) {
      csv.row(
          List.of(
              "strategy",
              "method",
              "seed",
              "selected_epoch",
              "task",
              "metric",
              "validation",
              "test",
              "delta_m",
              "seconds_per_step"));
      for (RunFigures r : runs) {
        for (Column c : columns) {
          TaskScores v = r.validation().get(c.task());
          TaskScores t = r.test().get(c.task());
          csv.text(r.strategy()).text(r.method()).number(Long.toString(r.seed()));
          Integer epoch = r.selectedEpochs().get(c.task());
          csv.number(epoch == null ? "" : epoch.toString()).text(c.task()).text(c.metric());
          csv.number(num(v == null ? Double.NaN : v.get(c.metric())))
              .number(num(t == null ? Double.NaN : t.get(c.metric())))
              .number(num(r.deltaM()))
              .number(num(r.secondsPerStep()))
              .endRow();
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return w.toString();
  }

  private static String num(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }

  /**
   * {@code results.md}: the rule, then one row per method (single-task baselines first) with each
   * task metric's test mean ± std, Δm and the time per step relative to {@code equal}; the best
   * method of each column (over the multi-task rows) in bold.
   *
   * @param title the first line's subject (the config's name)
   * @param seeds the seeds of the grid
   */
  public String markdown(String title, List<Long> seeds) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Method comparison: ").append(title).append("\n\n");
    sb.append("Test split, mean ± sample std over ")
        .append(seeds.size())
        .append(seeds.size() == 1 ? " seed (" : " seeds (")
        .append(String.join(", ", seeds.stream().map(String::valueOf).toList()))
        .append(").\n\n");
    sb.append("- Epoch selection: ").append(EpochSelection.RULE).append('\n');
    sb.append(
        "- Δm: mean over tasks of the signed relative difference of the task's main (first)"
            + " metric to the same seed's single-task baseline (Maninis et al. 2019), in %;"
            + " higher is better.\n");
    sb.append(
        "- time/step: wall time between consecutive training steps (median over a run's steps"
            + " after its first epoch, then median over the seeds), relative to `equal` with the"
            + " same strategy; measured in one process, one run at a time.\n");
    sb.append(
        "- **Bold**: the best multi-task method of the column (every method that ties with it at"
            + " the precision shown).\n\n");
    sb.append("| strategy | method |");
    for (Column c : columns) {
      sb.append(' ').append(c.label()).append(c.higherIsBetter() ? " ↑" : " ↓").append(" |");
    }
    sb.append(" Δm % ↑ | time/step ↓ |\n|---|---|");
    sb.append("---:|".repeat(columns.size() + 2)).append('\n');
    Map<Column, Double> best = new LinkedHashMap<>();
    for (Column c : columns) {
      best.put(c, bestOf(c.higherIsBetter(), r -> r.test().get(c).mean()));
    }
    double bestDm = bestOf(true, r -> r.deltaM().mean());
    double bestStep = bestOf(false, Row::stepTimeRatio);
    for (Row r : rows) {
      sb.append("| ").append(r.strategy()).append(" | ").append(r.method()).append(" |");
      for (Column c : columns) {
        Summary s = r.test().get(c);
        sb.append(' ')
            .append(mark(!r.isBaseline() && shown(s.mean(), best.get(c), "%.4f"), ms(s, 4, 1)));
        sb.append(" |");
      }
      if (r.isBaseline()) {
        sb.append(" 0 (reference) | – |\n");
        continue;
      }
      sb.append(' ')
          .append(
              mark(shown(100 * r.deltaM().mean(), 100 * bestDm, "%.2f"), ms(r.deltaM(), 2, 100)));
      sb.append(" | ");
      sb.append(
          Double.isFinite(r.stepTimeRatio())
              ? mark(
                  shown(r.stepTimeRatio(), bestStep, "%.2f"),
                  String.format(Locale.ROOT, "%.2f×", r.stepTimeRatio()))
              : "–");
      sb.append(" |\n");
    }
    return sb.toString();
  }

  private double bestOf(boolean higher, java.util.function.ToDoubleFunction<Row> f) {
    double best = Double.NaN;
    for (Row r : rows) {
      if (r.isBaseline()) {
        continue;
      }
      double v = f.applyAsDouble(r);
      if (Double.isFinite(v) && (Double.isNaN(best) || (higher ? v > best : v < best))) {
        best = v;
      }
    }
    return best;
  }

  /** Whether {@code v} reads as the best value {@code best} at the table's precision (ties). */
  private static boolean shown(double v, double best, String format) {
    return Double.isFinite(v)
        && Double.isFinite(best)
        && String.format(Locale.ROOT, format, v).equals(String.format(Locale.ROOT, format, best));
  }

  private static String mark(boolean best, String s) {
    return best ? "**" + s + "**" : s;
  }

  /** {@code mean ± std} with {@code d} decimals, scaled; only the mean for a single seed. */
  static String ms(Summary s, int d, double scale) {
    String f = "%." + d + "f";
    String mean = String.format(Locale.ROOT, scale == 100 ? "%+." + d + "f" : f, scale * s.mean());
    if (!Double.isFinite(s.std())) {
      return mean;
    }
    return mean + " ± " + String.format(Locale.ROOT, f, scale * s.std());
  }
}
