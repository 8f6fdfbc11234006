package org.mtl4j.trainer.config;

import java.util.Objects;

/**
 * Early stopping on a validation metric: stop when {@code task.metric} has not improved for {@code
 * patience} epochs.
 */
public record EarlyStoppingConfig(String task, String metric, int patience) {
  public EarlyStoppingConfig {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(metric, "metric");
  }
}
