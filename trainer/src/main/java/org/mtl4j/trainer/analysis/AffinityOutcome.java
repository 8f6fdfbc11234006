package org.mtl4j.trainer.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the task-relationship analysis of a training run produced, and what it cost.
 *
 * @param report the report (matrix, conflicts, grouping)
 * @param statistics the raw running sums behind it
 * @param analysisSeconds wall time spent measuring
 * @param trainingSeconds wall time of the epochs, measurement included
 */
public record AffinityOutcome(
    AffinityReport report,
    AffinityStatistics statistics,
    double analysisSeconds,
    double trainingSeconds) {

  /** Extra time relative to training without the analysis. */
  public double overhead() {
    double plain = trainingSeconds - analysisSeconds;
    return plain > 0 ? analysisSeconds / plain : Double.NaN;
  }

  /** One task's predicted and realised transfer. */
  public record Transfer(String task, double incomingAffinity, double gain, boolean agrees) {}

  /**
   * Puts each task's mean incoming affinity {@code mean_{i != t} Z(i→t)} beside its realised
   * relative gain over single-task training: whether the affinity predicted the transfer.
   *
   * @param gains relative gain over the single-task baseline by task (positive = multi-task better)
   */
  public List<Transfer> transfer(Map<String, Double> gains) {
    List<String> tasks = report.tasks();
    double[][] z = report.affinity();
    List<Transfer> out = new ArrayList<>();
    for (int t = 0; t < tasks.size(); t++) {
      Double g = gains.get(tasks.get(t));
      if (g == null) {
        continue;
      }
      double in = 0;
      for (int i = 0; i < tasks.size(); i++) {
        if (i != t) {
          in += z[i][t];
        }
      }
      in /= Math.max(1, tasks.size() - 1);
      out.add(new Transfer(tasks.get(t), in, g, Math.signum(in) == Math.signum(g)));
    }
    return out;
  }

  /** Plain-language lines for {@link #transfer}. */
  public List<String> transferLines(Map<String, Double> gains) {
    List<String> lines = new ArrayList<>();
    for (Transfer t : transfer(gains)) {
      lines.add(
          String.format(
              Locale.ROOT,
              "%s: affinity from the other tasks %+.3g predicted %s; realised gain over"
                  + " single-task %+.2f%% (%s)",
              t.task(),
              t.incomingAffinity(),
              t.incomingAffinity() >= 0 ? "help" : "harm",
              100 * t.gain(),
              t.gain() == 0 ? "no transfer realised" : t.agrees() ? "agrees" : "does not agree"));
    }
    return lines;
  }

  /** The JSON-ready summary section, with the transfer comparison when gains are given. */
  public Map<String, Object> toMap(Map<String, Double> gains) {
    Map<String, Object> m = new LinkedHashMap<>(report.toMap());
    m.put("analysis_seconds", analysisSeconds);
    m.put("training_seconds", trainingSeconds);
    m.put("overhead", Double.isFinite(overhead()) ? overhead() : null);
    if (!gains.isEmpty()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Transfer t : transfer(gains)) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("task", t.task());
        r.put("incoming_affinity", t.incomingAffinity());
        r.put("relative_gain", t.gain());
        r.put("affinity_predicted_transfer", t.agrees());
        rows.add(r);
      }
      m.put("transfer", rows);
      List<String> lines = new ArrayList<>(report.lines());
      lines.addAll(transferLines(gains));
      m.put("summary", lines);
    }
    return m;
  }
}
