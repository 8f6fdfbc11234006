package org.mtl4j.api.nn;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;

/**
 * A differentiable building block: owns parameters and maps one var to another on a {@link Graph}.
 * Closing a module closes its parameters.
 */
public interface Module extends AutoCloseable {

  /** All parameters, in a stable order (the order checkpoints and optimisers use). */
  List<Parameter> parameters();

  /** Records the forward computation of {@code x} on {@code g}. */
  Var forward(Graph g, Var x, Mode mode);

  /** Number of output columns for the given number of input columns. */
  int outputSize();

  @Override
  default void close() {
    for (Parameter p : parameters()) {
      p.close();
    }
  }
}
