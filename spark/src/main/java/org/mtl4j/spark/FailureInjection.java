package org.mtl4j.spark;

import java.io.Serializable;

/**
 * A resilience drill: the executor task of {@code partition} that works on global step {@code step}
 * throws on its first attempt ({@code TaskContext.attemptNumber() == 0}) after it has done its
 * work, so Spark must retry it; a correct run ends with the same parameters as one without the
 * failure. Used by the fault-tolerance tests; {@code null} in production.
 *
 * @param step the 0-based global step whose task fails (in averaging mode: the round holding it)
 * @param partition the failing partition
 */
public record FailureInjection(long step, int partition) implements Serializable {
  private static final long serialVersionUID = 1L;

  public FailureInjection {
    if (step < 0 || partition < 0) {
      throw new IllegalArgumentException(
          "failure injection needs step >= 0 and partition >= 0, got " + step + ", " + partition);
    }
  }
}
