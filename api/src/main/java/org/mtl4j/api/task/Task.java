package org.mtl4j.api.task;

import java.util.List;
import java.util.Objects;

/**
 * One task of a multi-task problem: what to predict, how it is scored, and its weight α_t in the
 * objective {@code min Σ_t α_t L_t(θ) + Ω(θ)} (used by the {@code static} weighting method).
 *
 * @param name unique task name (letters, digits, '-', '_')
 * @param type the kind of prediction
 * @param outputSize classes (multiclass), 1 (binary), targets (regression) or labels (multilabel)
 * @param weight α_t, finite and non-negative
 * @param metrics metric names, see {@link Metrics}
 * @param loss the training loss
 */
public record Task(
    String name, TaskType type, int outputSize, double weight, List<String> metrics, Loss loss) {

  public Task {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (!name.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalArgumentException(
          "task name '" + name + "' must be non-empty and use only letters, digits, '-' and '_'");
    }
    if (outputSize <= 0) {
      throw new IllegalArgumentException(
          "task " + name + ": outputSize must be positive, got " + outputSize);
    }
    if (type == TaskType.BINARY && outputSize != 1) {
      throw new IllegalArgumentException(
          "task " + name + ": a binary task has outputSize 1, got " + outputSize);
    }
    if (type == TaskType.MULTICLASS && outputSize < 2) {
      throw new IllegalArgumentException(
          "task " + name + ": a multiclass task needs at least 2 classes, got " + outputSize);
    }
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException(
          "task " + name + ": weight must be a finite number >= 0, got " + weight);
    }
    metrics = List.copyOf(metrics);
    for (String m : metrics) {
      Metrics.byName(m).checkApplicable(type, name);
    }
    Objects.requireNonNull(loss, "loss");
  }

  /** A task with the type's default loss and metrics and weight 1. */
  public static Task of(String name, TaskType type, int outputSize) {
    return new Task(name, type, outputSize, 1.0, type.defaultMetrics(), type.defaultLoss());
  }

  public Task withWeight(double w) {
    return new Task(name, type, outputSize, w, metrics, loss);
  }

  public Task withMetrics(List<String> m) {
    return new Task(name, type, outputSize, weight, m, loss);
  }

  /** Columns of this task's target tensor. */
  public int targetColumns() {
    return type.targetColumns(outputSize);
  }
}
