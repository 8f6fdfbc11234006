package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import org.mtl4j.api.task.TaskType;

/**
 * One task of the config.
 *
 * @param name unique task name
 * @param type what kind of prediction
 * @param label where its labels come from (a derived label of the data source, or a CSV column)
 * @param weight α_t in {@code Σ_t α_t L_t}
 * @param metrics metric names; the first is the task's main metric
 * @param standardize regression only: train on {@code (y - mean) / std} with the mean and std of
 *     the training rows, report in original units (default true)
 * @param positive binary only: the label value that is the positive class, or null for the rule
 *     (the second of the two values in sorted order)
 * @param data the task's own data set D_t ({@code tasks[i].data}), or null when it reads the
 *     top-level {@code data}
 */
public record TaskConfig(
    String name,
    TaskType type,
    String label,
    double weight,
    List<String> metrics,
    boolean standardize,
    String positive,
    DataConfig data)
    implements Serializable {
  public TaskConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(label, "label");
    metrics = List.copyOf(metrics);
  }

  /** A task reading the top-level data. */
  public TaskConfig(
      String name,
      TaskType type,
      String label,
      double weight,
      List<String> metrics,
      boolean standardize,
      String positive) {
    this(name, type, label, weight, metrics, standardize, positive, null);
  }

  /** A task with the defaults {@code standardize: true} and no {@code positive}. */
  public TaskConfig(String name, TaskType type, String label, double weight, List<String> metrics) {
    this(name, type, label, weight, metrics, true, null);
  }

  public TaskConfig withWeight(double w) {
    return new TaskConfig(name, type, label, w, metrics, standardize, positive, data);
  }

  public TaskConfig withStandardize(boolean s) {
    return new TaskConfig(name, type, label, weight, metrics, s, positive, data);
  }

  /** This task reading {@code d} (null: the top-level data). */
  public TaskConfig withData(DataConfig d) {
    return new TaskConfig(name, type, label, weight, metrics, standardize, positive, d);
  }

  /** The data this task learns from: its own, or {@code shared} when it names none. */
  public DataConfig dataOr(DataConfig shared) {
    return data != null ? data : shared;
  }

  /** Whether this task's targets are standardised for training. */
  public boolean standardized() {
    return standardize && type == TaskType.REGRESSION;
  }
}
