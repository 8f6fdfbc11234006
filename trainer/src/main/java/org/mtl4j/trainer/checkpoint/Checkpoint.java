package org.mtl4j.trainer.checkpoint;

import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.metrics.EpochRecord;

/**
 * Everything needed to continue training or to use a model: weights, optimiser and weighting state,
 * the counter-based RNG position (seed, epoch, step), the history and the resolved config.
 *
 * @param configYaml the resolved config
 * @param seed the run's seed (all randomness derives from seed, epoch and step)
 * @param epoch completed epochs
 * @param step completed optimiser steps
 * @param weights parameter values by name
 * @param optimizerState optimiser slots by {@code parameter/slot}, plus {@code steps}
 * @param weightingState the weighting method's host state
 * @param history one record per completed epoch
 * @param tasks each task's name, type and output size
 * @param preprocessing how features were prepared (CSV statistics), for predict
 * @param bestScore best early-stopping score so far (NaN when unused)
 * @param badEpochs epochs since that score improved
 * @param sampler the batch sampler's position ({@code training.sampling}: each task's pass and
 *     offset in its own data), empty for mixed sampling, whose position is the step counter
 */
public record Checkpoint(
    String configYaml,
    long seed,
    int epoch,
    long step,
    Map<String, SafeTensors.Entry> weights,
    Map<String, float[]> optimizerState,
    Map<String, double[]> weightingState,
    List<EpochRecord> history,
    List<TaskInfo> tasks,
    Map<String, Object> preprocessing,
    double bestScore,
    int badEpochs,
    Map<String, Object> sampler) {

  /** A task as the checkpoint records it. */
  public record TaskInfo(String name, String type, int outputSize) {}

  public Checkpoint {
    weights = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(weights));
    optimizerState =
        java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(optimizerState));
    weightingState = Map.copyOf(weightingState);
    history = List.copyOf(history);
    tasks = List.copyOf(tasks);
    preprocessing = Map.copyOf(preprocessing);
    sampler = Map.copyOf(sampler);
  }

  /** A checkpoint of a run whose sampler carries no position (mixed sampling). */
  public Checkpoint(
      String configYaml,
      long seed,
      int epoch,
      long step,
      Map<String, SafeTensors.Entry> weights,
      Map<String, float[]> optimizerState,
      Map<String, double[]> weightingState,
      List<EpochRecord> history,
      List<TaskInfo> tasks,
      Map<String, Object> preprocessing,
      double bestScore,
      int badEpochs) {
    this(
        configYaml,
        seed,
        epoch,
        step,
        weights,
        optimizerState,
        weightingState,
        history,
        tasks,
        preprocessing,
        bestScore,
        badEpochs,
        Map.of());
  }
}
