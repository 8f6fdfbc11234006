package org.mtl4j.api.nn;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.tensor.Shape;

/**
 * Turns an image batch {@code [N, C, H, W]} into the {@code [N, C*H*W]} matrix fully connected
 * layers read, values in NCHW order (channel, then row, then column), as {@code torch.flatten(x,
 * 1)} does; the gradient is reshaped back.
 */
public final class Flatten implements Module {
  private final String name;
  private final FeatureShape input;

  /**
   * @param name the layer's name in messages
   * @param input the per-example shape this layer accepts
   */
  public Flatten(String name, FeatureShape input) {
    this.name = name;
    this.input = java.util.Objects.requireNonNull(input, "input");
  }

  public FeatureShape input() {
    return input;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of();
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    FeatureShape in = FeatureShape.of(x.shape(), name);
    if (!in.equals(input)) {
      throw new IllegalArgumentException(name + ": input is " + in + ", expected " + input);
    }
    return g.reshape(x, Shape.matrix(x.shape().dim(0), input.size()));
  }

  @Override
  public int outputSize() {
    return input.size();
  }
}
