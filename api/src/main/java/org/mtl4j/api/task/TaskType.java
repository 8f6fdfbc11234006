package org.mtl4j.api.task;

import java.util.Arrays;
import java.util.Locale;

/**
 * The kinds of task mtl4j trains, each with its default loss, target layout and metrics.
 *
 * <ul>
 *   <li>{@code MULTICLASS}: one of K classes; target {@code [n, 1]} class index; softmax
 *       cross-entropy.
 *   <li>{@code BINARY}: yes/no; target {@code [n, 1]} 0/1; binary cross-entropy with logits.
 *   <li>{@code REGRESSION}: K real values; target {@code [n, K]}; mean squared error.
 *   <li>{@code MULTILABEL}: K independent yes/no labels; target {@code [n, K]} 0/1; BCE with
 *       logits.
 * </ul>
 */
public enum TaskType {
  MULTICLASS,
  BINARY,
  REGRESSION,
  MULTILABEL;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a config name, with a message listing the accepted names. */
  public static TaskType parse(String name) {
    for (TaskType t : values()) {
      if (t.configName().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + name
            + "' is not one of "
            + String.join(
                ", ", Arrays.stream(values()).map(TaskType::configName).toArray(String[]::new)));
  }

  /** Columns of the target tensor for a task with {@code outputSize} outputs. */
  public int targetColumns(int outputSize) {
    return this == MULTICLASS ? 1 : outputSize;
  }

  /** The loss a task of this type uses unless told otherwise. */
  public Loss defaultLoss() {
    return switch (this) {
      case MULTICLASS -> Losses.SOFTMAX_CROSS_ENTROPY;
      case BINARY, MULTILABEL -> Losses.BCE_WITH_LOGITS;
      case REGRESSION -> Losses.MSE;
    };
  }

  /** The metric names reported unless told otherwise. */
  public java.util.List<String> defaultMetrics() {
    return switch (this) {
      case MULTICLASS -> java.util.List.of("accuracy");
      case BINARY -> java.util.List.of("accuracy", "auc");
      case REGRESSION -> java.util.List.of("rmse", "mae");
      case MULTILABEL -> java.util.List.of("f1");
    };
  }
}
