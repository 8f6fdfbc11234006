package org.mtl4j.trainer.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.task.TaskType;

/** What config validation needs to know about a data source. */
public interface DataSourceInfo {

  /** Config name, e.g. {@code fashion-mnist}. */
  String name();

  /** One line for {@code mtl4j plugins}. */
  String description();

  /** The options of the {@code data} section for this source. */
  List<OptionSpec> options();

  /**
   * The labels a task may name and the task types each supports, when they are fixed; empty when
   * they depend on the data (CSV columns), in which case they are checked on load.
   */
  default Optional<Map<String, Set<TaskType>>> labels() {
    return Optional.empty();
  }
}
