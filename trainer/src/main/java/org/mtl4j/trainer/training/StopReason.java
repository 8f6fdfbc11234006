package org.mtl4j.trainer.training;

/** Why a training run ended. */
public enum StopReason {
  /** Every configured epoch ran. */
  COMPLETED("completed"),
  /** Early stopping's patience ran out (Prechelt 1998, {@link EarlyStopping}). */
  EARLY_STOPPED("early-stopped"),
  /** The run was cancelled between two steps. */
  CANCELLED("cancelled");

  private final String label;

  StopReason(String label) {
    this.label = label;
  }

  /** The name written to reports and printed: {@code completed}, {@code early-stopped}, ... */
  public String label() {
    return label;
  }

  @Override
  public String toString() {
    return label;
  }
}
