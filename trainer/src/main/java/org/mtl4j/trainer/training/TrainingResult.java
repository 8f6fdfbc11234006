package org.mtl4j.trainer.training;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.analysis.AffinityOutcome;
import org.mtl4j.trainer.metrics.DeltaM;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * The outcome of a training run.
 *
 * @param runDir where reports and the checkpoint were written (null when not written)
 * @param backend the backend's device description
 * @param history one record per completed epoch (resumed epochs included)
 * @param test each task's scores on the test split (empty when training stopped early by cancel)
 * @param stopReason why training ended: {@code completed}, {@code early-stopped}, {@code cancelled}
 * @param baselines comparison with single-task models for every metric of every task, each task's
 *     main metric first (empty unless asked for)
 * @param deltaM Δm over the tasks' main metrics (NaN unless asked for)
 * @param analysis the task-relationship analysis, or null when the config did not ask for it
 */
public record TrainingResult(
    Path runDir,
    String backend,
    List<EpochRecord> history,
    Map<String, TaskScores> test,
    String stopReason,
    List<DeltaM.Comparison> baselines,
    double deltaM,
    AffinityOutcome analysis) {
  public TrainingResult {
    history = List.copyOf(history);
    test = Map.copyOf(test);
    baselines = List.copyOf(baselines);
  }

  /** Mean wall time of the epochs trained in this process and earlier (from the history). */
  public double secondsPerEpoch() {
    return history.stream().mapToDouble(EpochRecord::seconds).average().orElse(Double.NaN);
  }

  /**
   * Relative gain over the single-task baseline by task, on each task's main (first) metric (empty
   * without baselines).
   */
  public Map<String, Double> gains() {
    Map<String, Double> g = new java.util.LinkedHashMap<>();
    for (DeltaM.Comparison c : baselines) {
      g.putIfAbsent(c.task(), c.gain());
    }
    return g;
  }

  public TrainingResult withAnalysis(AffinityOutcome a) {
    return new TrainingResult(runDir, backend, history, test, stopReason, baselines, deltaM, a);
  }

  public TrainingResult withBaselines(List<DeltaM.Comparison> b, double dm) {
    return new TrainingResult(runDir, backend, history, test, stopReason, b, dm, analysis);
  }
}
