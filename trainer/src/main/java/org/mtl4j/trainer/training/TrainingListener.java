package org.mtl4j.trainer.training;

import org.mtl4j.trainer.metrics.EpochRecord;

/**
 * Receives progress from a running {@link Trainer}, on the training thread. Implementations should
 * return quickly.
 */
public interface TrainingListener {

  /** Training starts: the number of epochs and steps per epoch, and a one-line description. */
  default void started(int epochs, int stepsPerEpoch, String description) {}

  /** A step finished. {@code taskLosses} are in task order. */
  default void step(int epoch, int stepInEpoch, int stepsPerEpoch, double[] taskLosses) {}

  /** An epoch finished, validation included. */
  default void epoch(EpochRecord record) {}

  /**
   * The test split's scores after an epoch, only when the trainer was asked for them ({@link
   * Trainer#testEachEpoch}); training never uses them for any decision.
   */
  default void tested(
      int epoch, java.util.Map<String, org.mtl4j.trainer.metrics.TaskScores> test) {}

  /** A message worth showing (early stop, resume, checkpoint problems). */
  default void message(String text) {}
}
