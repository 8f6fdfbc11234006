package org.mtl4j.trainer.metrics;

import java.util.List;
import java.util.Map;

/**
 * What one epoch produced.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean training loss of each task over the epoch
 * @param validation each task's validation scores (empty without a validation split)
 * @param weights the weighting method's last task weights
 * @param learningRate the rate of the epoch's last step
 * @param seconds wall time of the epoch (training and validation)
 */
public record EpochRecord(
    int epoch,
    Map<String, Double> trainLoss,
    Map<String, TaskScores> validation,
    List<Double> weights,
    double learningRate,
    double seconds) {
  public EpochRecord {
    trainLoss = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(trainLoss));
    validation = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(validation));
    weights = List.copyOf(weights);
  }

  /**
   * The record of an epoch from the training loop's arrays: {@code meanLoss[t]} and {@code
   * weights[t]} belong to {@code taskNames.get(t)}; {@code startNanos} is the epoch's {@link
   * System#nanoTime} at its start.
   */
  public static EpochRecord of(
      int epoch,
      List<String> taskNames,
      double[] meanLoss,
      Map<String, TaskScores> validation,
      double[] weights,
      double learningRate,
      long startNanos) {
    Map<String, Double> trainLoss = new java.util.LinkedHashMap<>();
    for (int t = 0; t < meanLoss.length; t++) {
      trainLoss.put(taskNames.get(t), meanLoss[t]);
    }
    List<Double> w = java.util.Arrays.stream(weights).boxed().toList();
    return new EpochRecord(
        epoch, trainLoss, validation, w, learningRate, (System.nanoTime() - startNanos) / 1e9);
  }
}
