package org.mtl4j.trainer.data;

import org.mtl4j.api.task.Task;
import org.mtl4j.trainer.config.TaskConfig;

/** Builds an api {@link Task} from its config once the data set knows its output size. */
public final class TaskFactory {
  private TaskFactory() {}

  public static Task build(TaskConfig c, int outputSize) {
    return new Task(
        c.name(), c.type(), outputSize, c.weight(), c.metrics(), c.type().defaultLoss());
  }
}
