package org.mtl4j.api.weighting;

import java.util.List;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.task.Task;

/**
 * What a weighting method is created for.
 *
 * @param tasks the tasks, in network order
 * @param backend where its learned parameters live
 * @param seed seed for its randomness (RLW's weights, PCGrad's order)
 */
public record WeightingContext(List<Task> tasks, ComputeBackend backend, long seed) {
  public WeightingContext {
    tasks = List.copyOf(tasks);
  }
}
