package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * Early stopping on a validation metric: stop when {@code task.metric} has not improved for {@code
 * patience} epochs.
 */
public record EarlyStoppingConfig(String task, String metric, int patience)
    implements Serializable {
  public EarlyStoppingConfig {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(metric, "metric");
  }
}
