package org.mtl4j.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * The outcome of a {@link SparkTrainer} run.
 *
 * @param history one record per epoch (resumed epochs included)
 * @param test scores on the test split, evaluated on the driver
 * @param parameters the final parameter values by name (network, then weighting parameters)
 * @param metrics communication and speed
 * @param checkpointDir where the epoch checkpoints went (trainer format)
 * @param stopReason completed or early-stopped
 */
public record SparkTrainingResult(
    List<EpochRecord> history,
    Map<String, TaskScores> test,
    Map<String, float[]> parameters,
    SparkRunMetrics metrics,
    Path checkpointDir,
    String stopReason) {
  public SparkTrainingResult {
    history = List.copyOf(history);
    test = Map.copyOf(test);
    parameters = Map.copyOf(parameters);
  }
}
