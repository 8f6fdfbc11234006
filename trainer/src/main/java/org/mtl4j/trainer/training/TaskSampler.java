package org.mtl4j.trainer.training;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.task.Task;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.SamplingConfig;
import org.mtl4j.trainer.data.Split;

/**
 * Batch composition of a local run ({@code training.sampling}): which rows of the training split
 * the next step trains on, and whether on every task's labels ({@link MixedSampler}) or on one
 * task's alone ({@link TaskScheduleSampler}: alternating, proportional, uniform, temperature). The
 * sampler's position is part of the checkpoint ({@link #state()}), so a resumed run draws the
 * batches an uninterrupted one would.
 */
public interface TaskSampler {

  /**
   * The batch of one step: rows {@code order[from .. from+count)} of the training split.
   *
   * @param task the index of the one task trained, or -1 for every task with labels in the batch
   */
  record Draw(int[] order, int from, int count, int task) {}

  /** Steps in one epoch. */
  int stepsPerEpoch();

  /** The batch of 0-based step {@code stepInEpoch} of {@code epoch}, global step {@code step}. */
  Draw next(int epoch, int stepInEpoch, long step);

  /** The position to continue from, JSON-ready (empty when the step counter is the position). */
  Map<String, Object> state();

  /** Continues from a {@link #state()} (empty: from the start, as a fresh run). */
  void restore(Map<String, Object> state);

  /** The sampler {@code config} asks for over the training rows {@code train}. */
  static TaskSampler forRun(Mtl4jConfig config, Split train, List<Task> tasks) {
    SamplingConfig s = config.training().sampling();
    int batch = config.training().batchSize();
    if (!s.oneTaskPerStep()) {
      return new MixedSampler(train.size(), batch, config.seed());
    }
    return new TaskScheduleSampler(
        s, train, tasks, batch, config.training().stepsPerEpoch(), config.seed());
  }
}
