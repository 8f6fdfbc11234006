package org.mtl4j.api.sharing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.task.Task;

/**
 * A network built by a {@link SharingStrategy}: per-task outputs from one input, the coupling
 * penalty Ω of the objective {@code Σ_t α_t L_t(θ) + Ω(θ)}, and a partition of its parameters into
 * shared ones and those of each task.
 */
public interface MultiTaskNetwork extends AutoCloseable {

  /** The tasks, in the order given at build time. */
  List<Task> tasks();

  /** Parameters used by more than one task (the ones gradient-balancing methods operate on). */
  List<Parameter> sharedParameters();

  /** Parameters only the given task's loss depends on (without Ω). */
  List<Parameter> taskParameters(String task);

  /** Every parameter: shared first, then each task's in task order. Names are unique. */
  default List<Parameter> parameters() {
    List<Parameter> all = new ArrayList<>(sharedParameters());
    for (Task t : tasks()) {
      all.addAll(taskParameters(t.name()));
    }
    return all;
  }

  /**
   * Model state that is not trained by gradient descent but is saved and restored with the
   * parameters (batch-norm running statistics, {@link org.mtl4j.api.nn.Module#buffers()}), in a
   * stable order with unique names. Empty for networks without such layers.
   */
  default List<Buffer> buffers() {
    return List.of();
  }

  /** Records a forward pass of the {@code [n, inputSize]} input. */
  NetworkOutput forward(Graph g, Var input, Mode mode);

  /** The penalty Ω as a {@code [1, 1]} var, or empty when the strategy has none. */
  default Optional<Var> penalty(Graph g) {
    return Optional.empty();
  }

  /**
   * The weight matrix of the last shared layer, on which GradNorm (Chen et al. 2018) measures
   * per-task gradient norms; empty when nothing is shared.
   */
  default Optional<Parameter> lastSharedWeight() {
    return Optional.empty();
  }

  /** Closes every parameter and buffer. */
  @Override
  default void close() {
    for (Parameter p : parameters()) {
      p.close();
    }
    for (Buffer b : buffers()) {
      b.value().close();
    }
  }
}
