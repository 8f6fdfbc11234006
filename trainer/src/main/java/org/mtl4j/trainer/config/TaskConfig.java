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
 */
public record TaskConfig(
    String name, TaskType type, String label, double weight, List<String> metrics)
    implements Serializable {
  public TaskConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(label, "label");
    metrics = List.copyOf(metrics);
  }

  public TaskConfig withWeight(double w) {
    return new TaskConfig(name, type, label, w, metrics);
  }
}
