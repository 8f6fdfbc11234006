package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * The optimizer section.
 *
 * @param name {@code sgd}, {@code adam} or {@code adamw}
 * @param lr base learning rate
 * @param momentum SGD momentum
 * @param nesterov SGD Nesterov momentum
 * @param weightDecay L2 (SGD, Adam) or decoupled (AdamW) weight decay
 * @param beta1 Adam β1
 * @param beta2 Adam β2
 * @param eps Adam ε
 * @param clipNorm maximum global gradient norm, 0 for no clipping (Pascanu et al. 2013)
 * @param schedule the learning-rate schedule
 */
public record OptimizerConfig(
    String name,
    double lr,
    double momentum,
    boolean nesterov,
    double weightDecay,
    double beta1,
    double beta2,
    double eps,
    double clipNorm,
    ScheduleConfig schedule)
    implements Serializable {
  public OptimizerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schedule, "schedule");
  }

  /** The optimiser names accepted. */
  public static final java.util.List<String> NAMES = java.util.List.of("sgd", "adam", "adamw");
}
