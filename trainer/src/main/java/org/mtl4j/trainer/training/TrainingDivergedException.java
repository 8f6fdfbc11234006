package org.mtl4j.trainer.training;

/** A task loss became NaN or infinite: training stopped; the last good checkpoint was kept. */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
