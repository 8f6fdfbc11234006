package org.mtl4j.api.nn;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.Pool2dParams;

/**
 * Max pooling: each output is the largest value of its window (the subsampling of LeCun et al. 1998
 * in its max form, as in the LeNet of Sener and Koltun 2018); see {@link
 * org.mtl4j.api.backend.ComputeBackend#maxPool2d}. The gradient goes to the position each maximum
 * came from.
 */
public final class MaxPool2d implements ImageModule {
  private final String name;
  private final Pool2dParams params;

  /**
   * @param name the layer's name in messages, e.g. {@code trunk.2}
   */
  public MaxPool2d(String name, Pool2dParams params) {
    this.name = name;
    this.params = java.util.Objects.requireNonNull(params, "params");
  }

  public Pool2dParams params() {
    return params;
  }

  @Override
  public FeatureShape outputShape(FeatureShape in) {
    return Pooling.outputShape(name, params, in);
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    outputShape(FeatureShape.of(x.shape(), name));
    return g.maxPool2d(x, params);
  }
}
