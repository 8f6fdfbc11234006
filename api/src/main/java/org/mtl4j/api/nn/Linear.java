package org.mtl4j.api.nn;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.tensor.Shape;

/** A fully connected layer {@code y = x W + b}, with {@code W} stored {@code [in, out]}. */
public final class Linear implements Module {
  /** The {@link CounterRng#derive} stream of a layer's bias draw. */
  static final long BIAS_STREAM = 0xB1A5L;

  private final Parameter weight;
  private final Parameter bias;

  /**
   * @param name prefix of the parameter names ({@code name.weight}, {@code name.bias})
   * @param lrScale learning-rate scale of both parameters
   */
  public Linear(
      ComputeBackend backend,
      String name,
      int in,
      int out,
      boolean withBias,
      Init init,
      long seed,
      float lrScale) {
    this(backend, name, in, out, withBias, init, false, seed, lrScale);
  }

  /**
   * @param name prefix of the parameter names ({@code name.weight}, {@code name.bias})
   * @param uniformBias draw the bias from U(-1/sqrt(in), 1/sqrt(in)) (PyTorch's {@code nn.Linear}
   *     default, seeded from {@code seed}) instead of zeros
   * @param lrScale learning-rate scale of both parameters
   */
  public Linear(
      ComputeBackend backend,
      String name,
      int in,
      int out,
      boolean withBias,
      Init init,
      boolean uniformBias,
      long seed,
      float lrScale) {
    if (in <= 0 || out <= 0) {
      throw new IllegalArgumentException(
          name + ": layer sizes must be positive, got in=" + in + " out=" + out);
    }
    this.weight =
        new Parameter(
            name + ".weight",
            backend,
            Shape.matrix(in, out),
            init.sample(in, out, seed),
            lrScale,
            true);
    this.bias =
        withBias
            ? new Parameter(
                name + ".bias",
                backend,
                Shape.row(out),
                uniformBias
                    ? Init.fanInUniform(out, in, CounterRng.derive(seed, BIAS_STREAM))
                    : new float[out],
                lrScale,
                false)
            : null;
  }

  public Linear(ComputeBackend backend, String name, int in, int out, Init init, long seed) {
    this(backend, name, in, out, true, init, seed, 1f);
  }

  public Parameter weight() {
    return weight;
  }

  /** The bias, or null. */
  public Parameter bias() {
    return bias;
  }

  public int inputSize() {
    return weight.shape().rows();
  }

  @Override
  public int outputSize() {
    return weight.shape().cols();
  }

  @Override
  public List<Parameter> parameters() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    if (x.shape().cols() != inputSize()) {
      throw new IllegalArgumentException(
          weight.name() + ": input has " + x.shape().cols() + " columns, expected " + inputSize());
    }
    return g.linear(x, g.param(weight), bias == null ? null : g.param(bias));
  }
}
