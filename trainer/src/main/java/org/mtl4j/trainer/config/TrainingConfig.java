package org.mtl4j.trainer.config;

import java.io.Serializable;

/**
 * The training section.
 *
 * @param epochs passes over the training set
 * @param batchSize examples per step
 * @param validationSplit fraction of the training set held out for validation, in [0, 1)
 * @param earlyStopping when to stop before {@code epochs}, or null for never
 */
public record TrainingConfig(
    int epochs, int batchSize, double validationSplit, EarlyStoppingConfig earlyStopping)
    implements Serializable {
  /** The most epochs a run may train ({@code training.epochs}, {@code --epochs}). */
  public static final int MAX_EPOCHS = 1_000_000;

  public TrainingConfig withEpochs(int e) {
    return new TrainingConfig(e, batchSize, validationSplit, earlyStopping);
  }
}
