package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * A learning-rate schedule: linear warm-up over {@code warmupSteps} steps, then {@code constant},
 * {@code step} (multiply by {@code gamma} every {@code stepEpochs} epochs) or {@code cosine}
 * annealing to {@code minLr} over the remaining steps (Loshchilov and Hutter, SGDR, 2017).
 */
public record ScheduleConfig(
    String type, int warmupSteps, int stepEpochs, double gamma, double minLr)
    implements Serializable {
  public ScheduleConfig {
    Objects.requireNonNull(type, "type");
  }

  /** The schedule types accepted. */
  public static final java.util.List<String> TYPES =
      java.util.List.of("constant", "step", "cosine");

  public static ScheduleConfig constant() {
    return new ScheduleConfig("constant", 0, 1, 0.1, 0.0);
  }
}
