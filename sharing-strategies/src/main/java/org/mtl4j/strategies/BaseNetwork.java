package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Task;

/**
 * The bookkeeping every network shares: the tasks in order, the shared parameters and those of each
 * task, checked to be disjoint and uniquely named, and the buffers (batch-norm running statistics)
 * of every module the network was built from.
 */
abstract class BaseNetwork implements MultiTaskNetwork {
  private final List<Task> tasks;
  private final List<Parameter> shared;
  private final Map<String, List<Parameter>> perTask;
  private final List<Buffer> buffers;

  BaseNetwork(List<Task> tasks, List<Parameter> shared, Map<String, List<Parameter>> perTask) {
    this(tasks, shared, perTask, List.of());
  }

  /**
   * @param buffers the buffers of the network's modules ({@link Parts#buffers()}), in build order
   */
  BaseNetwork(
      List<Task> tasks,
      List<Parameter> shared,
      Map<String, List<Parameter>> perTask,
      List<Buffer> buffers) {
    this.tasks = List.copyOf(tasks);
    this.shared = List.copyOf(shared);
    Map<String, List<Parameter>> copy = new LinkedHashMap<>();
    for (Task t : tasks) {
      copy.put(t.name(), List.copyOf(perTask.getOrDefault(t.name(), List.of())));
    }
    this.perTask = copy;
    Set<String> names = new HashSet<>();
    List<Parameter> all = new ArrayList<>(this.shared);
    copy.values().forEach(all::addAll);
    for (Parameter p : all) {
      if (!names.add(p.name())) {
        throw new IllegalStateException("parameter name '" + p.name() + "' is used twice");
      }
    }
    this.buffers = List.copyOf(buffers);
    Set<String> bufferNames = new HashSet<>();
    for (Buffer b : this.buffers) {
      if (!bufferNames.add(b.name())) {
        throw new IllegalStateException("buffer name '" + b.name() + "' is used twice");
      }
    }
  }

  @Override
  public final List<Buffer> buffers() {
    return buffers;
  }

  @Override
  public final List<Task> tasks() {
    return tasks;
  }

  @Override
  public final List<Parameter> sharedParameters() {
    return shared;
  }

  @Override
  public final List<Parameter> taskParameters(String task) {
    List<Parameter> ps = perTask.get(task);
    if (ps == null) {
      throw new IllegalArgumentException(
          "unknown task '" + task + "'; the network has " + perTask.keySet());
    }
    return ps;
  }
}
