package org.mtl4j.trainer.config;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/**
 * Refuses choices that a one-task-per-step schedule ({@link SamplingConfig#oneTaskPerStep()})
 * cannot train: a weighting method that needs every task's loss or gradient in every step ({@link
 * TaskWeightingProvider#needsEveryTaskPerStep()}), and affinity analysis, whose lookahead step
 * measures every task on one batch. Both need {@code training.sampling: mixed}, whose batches carry
 * every task's labels.
 */
final class TaskSamplingCheck {
  private TaskSamplingCheck() {}

  static void check(
      SamplingConfig sampling,
      WeightingConfig weighting,
      AnalysisConfig analysis,
      PluginCatalog catalog,
      Fields root) {
    if (!sampling.oneTaskPerStep()) {
      return;
    }
    TaskWeightingProvider p =
        weighting == null ? null : catalog.weightings().get(weighting.method());
    if (p != null && p.needsEveryTaskPerStep()) {
      List<String> ok = new ArrayList<>();
      for (TaskWeightingProvider q : catalog.weightings().values()) {
        if (!q.needsEveryTaskPerStep()) {
          ok.add(q.name());
        }
      }
      root.raw(
          "weighting.method: '"
              + p.name()
              + "' needs every task's loss or gradient in each step, but training.sampling: "
              + sampling.schedule()
              + " trains one task per step; use training.sampling: mixed (every batch carries"
              + " each task's labels), or one of: "
              + (ok.isEmpty() ? "(none discovered)" : String.join(", ", ok)));
    }
    if (analysis != null && analysis.affinity()) {
      root.raw(
          "analysis: affinity measures every task's loss on one batch, but training.sampling: "
              + sampling.schedule()
              + " trains one task per step; use training.sampling: mixed for the analysis");
    }
  }
}
