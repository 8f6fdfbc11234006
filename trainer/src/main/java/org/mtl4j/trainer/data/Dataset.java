package org.mtl4j.trainer.data;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.task.Task;

/**
 * A loaded data set: the tasks (with output sizes resolved), the training and test rows, and what
 * {@code predict} needs to prepare new inputs the same way ({@code preprocessing}).
 *
 * @param tasks the tasks, in config order
 * @param train rows to train on (a validation part is split off by the trainer)
 * @param test held-out rows evaluated once at the end
 * @param preprocessing JSON-ready description of feature preparation (CSV: column statistics and
 *     categories; class names of label columns; id columns) and of the target scaling ({@link
 *     TargetScaling#KEY}); empty for image data without regression tasks
 */
public record Dataset(
    List<Task> tasks, Split train, Split test, Map<String, Object> preprocessing) {
  public Dataset {
    tasks = List.copyOf(tasks);
    preprocessing = Map.copyOf(preprocessing);
  }

  public int inputSize() {
    return train.examples().inputSize();
  }

  /** Which input columns are plain features and which hold category indices to embed. */
  public InputLayout inputLayout() {
    return InputLayout.of(inputSize(), preprocessing);
  }
}
