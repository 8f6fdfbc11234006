package org.mtl4j.strategies;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.nn.Module;
import org.mtl4j.api.tensor.Shape;

/**
 * A module whose output is always the {@code [N, features]} rows that gates, mixtures and towers
 * read: an image batch {@code [N, C, H, W]} is reshaped (NCHW order, as {@link
 * org.mtl4j.api.nn.Flatten}); flat features pass through. The towers of an image representation
 * read these rows back as images ({@link org.mtl4j.api.nn.LayerStack} unflattens its input).
 */
final class FlatRows implements Module {
  private final Module inner;

  FlatRows(Module inner) {
    this.inner = inner;
  }

  /** {@code v} as {@code [N, size]} rows. */
  static Var of(Graph g, Var v) {
    Shape s = v.shape();
    return s.rank() == 2 ? v : g.reshape(v, Shape.matrix(s.dim(0), s.size() / s.dim(0)));
  }

  Module inner() {
    return inner;
  }

  @Override
  public List<Parameter> parameters() {
    return inner.parameters();
  }

  @Override
  public List<Buffer> buffers() {
    return inner.buffers();
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    return of(g, inner.forward(g, x, mode));
  }

  @Override
  public int outputSize() {
    return inner.outputSize();
  }

  @Override
  public void close() {
    inner.close();
  }
}
