package org.mtl4j.api.nn;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.Pool2dParams;

/**
 * Average pooling: each output is the mean of its window, padding counting as zeros (the
 * subsampling of LeCun et al., "Gradient-based learning applied to document recognition", 1998);
 * see {@link org.mtl4j.api.backend.ComputeBackend#avgPool2d}.
 */
public final class AvgPool2d implements ImageModule {
  private final String name;
  private final Pool2dParams params;

  /**
   * @param name the layer's name in messages, e.g. {@code trunk.2}
   */
  public AvgPool2d(String name, Pool2dParams params) {
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
    return g.avgPool2d(x, params);
  }
}
