package org.mtl4j.trainer.training;

/**
 * Training finished but its reports could not be written (a full disk, a folder made read-only): a
 * user error (exit code 2) that carries the run's result, so that it is printed rather than lost,
 * and whose message names the folder and the reason.
 */
public final class ReportsNotWrittenException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient TrainingResult result;

  public ReportsNotWrittenException(TrainingResult result, String message) {
    super(message);
    this.result = result;
  }

  /** The result of the training whose reports were not written. */
  public TrainingResult result() {
    return result;
  }
}
