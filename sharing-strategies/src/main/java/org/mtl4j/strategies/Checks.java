package org.mtl4j.strategies;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.task.Task;

/** Spec and task checks shared by the strategies, with messages naming the strategy and value. */
final class Checks {
  private Checks() {}

  /**
   * Non-null spec, at least {@code minTasks} tasks with unique names, and a shared part: hidden
   * layers or a trunk layer list.
   */
  static void specAndTasks(String strategy, NetworkSpec spec, List<Task> tasks, int minTasks) {
    Objects.requireNonNull(spec, strategy + ": spec");
    Objects.requireNonNull(tasks, strategy + ": tasks");
    if (tasks.size() < minTasks) {
      throw new IllegalArgumentException(
          strategy
              + ": needs at least "
              + minTasks
              + (minTasks == 1 ? " task" : " tasks")
              + ", got "
              + tasks.size());
    }
    Set<String> names = new HashSet<>();
    for (Task t : tasks) {
      Objects.requireNonNull(t, strategy + ": a task is null");
      if (!names.add(t.name())) {
        throw new IllegalArgumentException(
            strategy + ": task name '" + t.name() + "' appears more than once");
      }
    }
    if (spec.hidden().isEmpty() && !spec.layered()) {
      throw new IllegalArgumentException(
          strategy
              + ": spec.hidden is empty, expected at least one hidden layer size (the "
              + sharedPartName(strategy)
              + ") or a trunk layer list");
    }
  }

  private static String sharedPartName(String strategy) {
    return switch (strategy) {
      case "hard" -> "shared trunk";
      case "mmoe", "ple", "cgc", "dselect-k" -> "layers of each expert";
      case "learning-to-branch" -> "layers of the branching tree";
      default -> "layers of each task column";
    };
  }
}
