package org.mtl4j.api.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/** A lookup table of {@code vocabulary x dimension} learned vectors, initialised N(0, 1). */
public final class Embedding implements AutoCloseable {
  private final Parameter table;

  public Embedding(ComputeBackend backend, String name, int vocabulary, int dimension, long seed) {
    float[] init = new float[vocabulary * dimension];
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < init.length; i++) {
      init[i] = (float) Init.gaussian(rng);
    }
    this.table =
        new Parameter(
            name + ".table", backend, Shape.matrix(vocabulary, dimension), init, 1f, false);
  }

  public Parameter table() {
    return table;
  }

  public List<Parameter> parameters() {
    return List.of(table);
  }

  /** The rows for the integral float indices {@code [n, 1]}. */
  public Var lookup(Graph g, Tensor indices) {
    return g.gather(g.param(table), indices);
  }

  @Override
  public void close() {
    table.close();
  }
}
