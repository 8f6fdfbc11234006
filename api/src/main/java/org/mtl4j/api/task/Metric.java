package org.mtl4j.api.task;

/**
 * An evaluation metric, accumulated over batches on the host. Outputs are a task head's raw outputs
 * (logits for classification, predictions for regression).
 */
public interface Metric {

  /** Config name, e.g. {@code accuracy}. */
  String name();

  /** One line for listings ({@code mtl4j plugins}); empty by default. */
  default String description() {
    return "";
  }

  /** True when larger values are better (accuracy), false otherwise (rmse). */
  boolean higherIsBetter();

  /** Whether the metric is defined for tasks of this type. */
  boolean appliesTo(TaskType type);

  /** A fresh accumulator for one evaluation pass over a task. */
  Accumulator start(Task task);

  /** Throws when the metric is not defined for the type, naming the task. */
  default void checkApplicable(TaskType type, String task) {
    if (!appliesTo(type)) {
      throw new IllegalArgumentException(
          "task "
              + task
              + ": metric '"
              + name()
              + "' does not apply to "
              + type.configName()
              + " tasks");
    }
  }

  /** Running state of one metric over one pass. */
  interface Accumulator {
    /**
     * Adds a batch.
     *
     * @param outputs {@code rows x outputCols} row-major raw outputs
     * @param targets {@code rows x targetCols} row-major targets
     * @param mask {@code rows} 0/1 label mask, or null for all labelled
     */
    void add(float[] outputs, float[] targets, float[] mask, int rows);

    /** The metric over everything added; NaN when nothing labelled was added. */
    double value();
  }
}
