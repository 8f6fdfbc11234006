package org.mtl4j.api.sharing;

import java.util.List;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.task.Task;

/**
 * A way of sharing knowledge between tasks (Ruder, "An Overview of Multi-Task Learning in Deep
 * Neural Networks", 2017; Crawshaw, "Multi-Task Learning with Deep Neural Networks: A Survey",
 * 2020): hard parameter sharing, cross-task connections, or task regularisation. A configured
 * strategy builds networks; it holds no tensors itself.
 */
public interface SharingStrategy {

  /**
   * Builds a network for the tasks, its parameters initialised from {@code seed} (the same seed
   * gives the same initial weights on every backend).
   *
   * @throws IllegalArgumentException when the spec or tasks do not suit the strategy, saying why
   */
  MultiTaskNetwork build(NetworkSpec spec, List<Task> tasks, ComputeBackend backend, long seed);
}
