package org.mtl4j.api.nn;

import java.util.Arrays;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Shape;

/**
 * Layer normalisation over the columns of each row with a learned gain and bias (Ba, Kiros and
 * Hinton, "Layer Normalization", 2016). Composed from autograd operations.
 */
public final class LayerNorm implements Module {
  private final Parameter gain;
  private final Parameter bias;
  private final float eps;

  public LayerNorm(ComputeBackend backend, String name, int size, float eps) {
    float[] ones = new float[size];
    Arrays.fill(ones, 1f);
    this.gain = new Parameter(name + ".gain", backend, Shape.row(size), ones, 1f, false);
    this.bias = new Parameter(name + ".bias", backend, Shape.row(size), new float[size], 1f, false);
    this.eps = eps;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(gain, bias);
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    int d = x.shape().cols();
    Var mean = g.scale(g.sumCols(x), 1f / d);
    Var centred = g.sub(x, mean);
    Var variance = g.scale(g.sumCols(g.square(centred)), 1f / d);
    Var std = g.sqrt(g.addScalar(variance, eps));
    Var normed = g.div(centred, std);
    return g.add(g.mul(normed, g.param(gain)), g.param(bias));
  }

  @Override
  public int outputSize() {
    return gain.shape().cols();
  }
}
