package org.mtl4j.api.nn;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;

/**
 * A differentiable building block: owns parameters and maps one var to another on a {@link Graph}.
 * Closing a module closes its parameters and buffers.
 */
public interface Module extends AutoCloseable {

  /** All parameters, in a stable order (the order checkpoints and optimisers use). */
  List<Parameter> parameters();

  /**
   * Persistent state that is not trained by gradient descent but belongs to the model and is saved
   * and restored with it (batch-norm running statistics), in a stable order. Empty for most
   * modules.
   */
  default List<Buffer> buffers() {
    return List.of();
  }

  /** Records the forward computation of {@code x} on {@code g}. */
  Var forward(Graph g, Var x, Mode mode);

  /** Number of output columns for the given number of input columns. */
  int outputSize();

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
