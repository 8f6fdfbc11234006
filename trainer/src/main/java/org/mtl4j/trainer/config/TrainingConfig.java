package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * The training section.
 *
 * @param epochs passes over the training set
 * @param batchSize examples per step
 * @param validationSplit fraction of the training set held out for validation, in [0, 1)
 * @param earlyStopping when to stop before {@code epochs}, or null for never
 * @param sampling how a step composes its batch ({@code training.sampling}, default mixed)
 * @param stepsPerEpoch steps per epoch for the one-task-per-step schedules; 0 (the default) for as
 *     many steps as one pass over the largest task's training data takes
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    double validationSplit,
    EarlyStoppingConfig earlyStopping,
    SamplingConfig sampling,
    int stepsPerEpoch)
    implements Serializable {
  /** The most epochs a run may train ({@code training.epochs}, {@code --epochs}). */
  public static final int MAX_EPOCHS = 1_000_000;

  public TrainingConfig {
    Objects.requireNonNull(sampling, "sampling");
  }

  /** Mixed sampling, one pass over the training rows per epoch. */
  public TrainingConfig(
      int epochs, int batchSize, double validationSplit, EarlyStoppingConfig earlyStopping) {
    this(epochs, batchSize, validationSplit, earlyStopping, SamplingConfig.MIXED, 0);
  }

  public TrainingConfig withEpochs(int e) {
    return new TrainingConfig(
        e, batchSize, validationSplit, earlyStopping, sampling, stepsPerEpoch);
  }

  public TrainingConfig withEarlyStopping(EarlyStoppingConfig es) {
    return new TrainingConfig(epochs, batchSize, validationSplit, es, sampling, stepsPerEpoch);
  }
}
