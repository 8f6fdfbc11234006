package org.mtl4j.trainer.training;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.config.AnalysisConfig;
import org.mtl4j.trainer.config.EarlyStoppingConfig;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.SamplingConfig;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.config.TrainingConfig;
import org.mtl4j.trainer.config.WeightingConfig;

/**
 * The single-task baseline of one task of a multi-task config, against which Δm (Maninis et al.,
 * CVPR 2019) is measured: the same data, strategy, layers, optimiser and budget, the task alone.
 * Used by {@code --baselines} and by {@code mtl4j compare}.
 */
public final class SingleTaskBaseline {
  private SingleTaskBaseline() {}

  /**
   * Whether the config's tasks learn from their own data sets ({@code tasks[i].data}): then each
   * baseline trains and is scored on its task's own rows (those labelled for it), not on the union
   * of every data set.
   */
  public static boolean ownData(Mtl4jConfig mtl) {
    return mtl.tasks().stream().anyMatch(t -> t.data() != null) || mtl.data().partial();
  }

  /**
   * The config of task {@code t}'s baseline, run {@code <baselineDir>/<task>}. A single task has
   * nothing to balance: it uses equal weighting; when the multi-task run stops early on another
   * task's metric the baseline gets the full budget. Analysis is off. With one task every sampling
   * schedule trains that task each step, so the baseline uses {@code mixed} (one pass over its rows
   * per epoch): the same baseline, and a comparable Δm, whichever schedule the multi-task run uses.
   */
  public static Mtl4jConfig config(Mtl4jConfig mtl, int t, Path baselineDir) {
    TaskConfig tc = mtl.tasks().get(t);
    EarlyStoppingConfig es = mtl.training().earlyStopping();
    TrainingConfig tr = mtl.training();
    return mtl.withName(tc.name())
        .withOutput(baselineDir.toString())
        .withAnalysis(AnalysisConfig.off())
        .withTasks(List.of(tc.withWeight(1.0)))
        .withWeighting(new WeightingConfig("equal", Map.of()))
        .withTraining(
            new TrainingConfig(
                tr.epochs(),
                tr.batchSize(),
                tr.validationSplit(),
                es != null && es.task().equals(tc.name()) ? es : null,
                SamplingConfig.MIXED,
                0));
  }
}
