package org.mtl4j.trainer.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.metrics.DeltaM;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * Model selection on the validation split, as LibMTL does it (Lin and Zhang, "LibMTL: A Python
 * Library for Multi-Task Learning", JMLR 2023): a multi-task run is read at the epoch with the
 * highest validation Δm against the single-task baselines, a single-task baseline at the epoch with
 * the best validation value of its task's main metric; ties go to the earliest epoch. The test
 * split is never looked at.
 */
public final class EpochSelection {
  /** The rule, as {@code results.md} states it. */
  public static final String RULE =
      "Each multi-task run is read at the epoch with the highest Δm on the validation split"
          + " (against the validation scores of the same seed's single-task baselines, each read"
          + " at its own epoch with the best validation main metric); ties go to the earliest"
          + " epoch; the test figures are those of the selected epoch.";

  private EpochSelection() {}

  /** A task's main metric and its direction. */
  public record MainMetric(String task, String metric, boolean higherIsBetter) {}

  /**
   * The 0-based epoch with the highest validation Δm.
   *
   * @param validation per epoch: each task's validation scores
   * @param mains every task's main metric
   * @param baseline each task's single-task validation value of its main metric
   */
  public static int byDeltaM(
      List<Map<String, TaskScores>> validation,
      List<MainMetric> mains,
      Map<String, Double> baseline) {
    return argmax(validation.size(), e -> deltaM(validation.get(e), mains, baseline));
  }

  /** Δm of one epoch's scores against the baseline values (NaN if a task is missing). */
  public static double deltaM(
      Map<String, TaskScores> scores, List<MainMetric> mains, Map<String, Double> baseline) {
    List<DeltaM.Comparison> cs = new ArrayList<>();
    for (MainMetric m : mains) {
      TaskScores s = scores.get(m.task());
      cs.add(
          new DeltaM.Comparison(
              m.task(),
              m.metric(),
              s == null ? Double.NaN : s.get(m.metric()),
              baseline.getOrDefault(m.task(), Double.NaN),
              m.higherIsBetter()));
    }
    return DeltaM.of(cs);
  }

  /** The 0-based epoch with the best validation value of one task's main metric. */
  public static int byMetric(List<Map<String, TaskScores>> validation, MainMetric main) {
    return argmax(
        validation.size(),
        e -> {
          TaskScores s = validation.get(e).get(main.task());
          double v = s == null ? Double.NaN : s.get(main.metric());
          return main.higherIsBetter() ? v : -v;
        });
  }

  private static int argmax(int n, java.util.function.IntToDoubleFunction score) {
    if (n == 0) {
      throw new IllegalArgumentException("no epoch to select from");
    }
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int e = 0; e < n; e++) {
      double s = score.applyAsDouble(e);
      if (Double.isFinite(s) && s > bestScore) {
        bestScore = s;
        best = e;
      }
    }
    return best;
  }
}
