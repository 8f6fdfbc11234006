package org.mtl4j.api.nn;

import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.tensor.Shape;

/**
 * A 2-D convolutional layer (LeCun et al., "Gradient-based learning applied to document
 * recognition", Proc. IEEE 1998): {@code K} learned {@code C x kH x kW} kernels slid over the input
 * with the stride, zero padding and dilation of {@link Conv2dParams}, plus an optional bias per
 * output channel. The weight is stored {@code [K, C, kH, kW]} and initialised with fan-in {@code C
 * * kH * kW}; see {@link ComputeBackend#conv2d}.
 */
public final class Conv2d implements ImageModule {
  private final String name;
  private final Parameter weight;
  private final Parameter bias;
  private final Conv2dParams params;

  /**
   * @param name prefix of the parameter names ({@code name.weight}, {@code name.bias})
   * @param withBias whether the layer has a bias (false before a batch norm, which has its own)
   */
  public Conv2d(
      ComputeBackend backend,
      String name,
      int inChannels,
      int outChannels,
      int kernelH,
      int kernelW,
      Conv2dParams params,
      boolean withBias,
      Init init,
      long seed,
      float lrScale) {
    this(
        backend,
        name,
        inChannels,
        outChannels,
        kernelH,
        kernelW,
        params,
        withBias,
        init,
        false,
        seed,
        lrScale);
  }

  /**
   * @param name prefix of the parameter names ({@code name.weight}, {@code name.bias})
   * @param withBias whether the layer has a bias (false before a batch norm, which has its own)
   * @param uniformBias draw the bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = {@code
   *     inChannels * kernelH * kernelW} (PyTorch's {@code nn.Conv2d} default, seeded from {@code
   *     seed}) instead of zeros
   */
  public Conv2d(
      ComputeBackend backend,
      String name,
      int inChannels,
      int outChannels,
      int kernelH,
      int kernelW,
      Conv2dParams params,
      boolean withBias,
      Init init,
      boolean uniformBias,
      long seed,
      float lrScale) {
    if (inChannels < 1 || outChannels < 1 || kernelH < 1 || kernelW < 1) {
      throw new IllegalArgumentException(
          name
              + ": channels and kernel sizes must be positive, got in="
              + inChannels
              + " out="
              + outChannels
              + " kernel="
              + kernelH
              + "x"
              + kernelW);
    }
    this.name = name;
    this.params = java.util.Objects.requireNonNull(params, name + ": params");
    int fanIn = inChannels * kernelH * kernelW;
    this.weight =
        new Parameter(
            name + ".weight",
            backend,
            Shape.of(outChannels, inChannels, kernelH, kernelW),
            init.sample(fanIn, outChannels, seed),
            lrScale,
            true);
    this.bias =
        withBias
            ? new Parameter(
                name + ".bias",
                backend,
                Shape.row(outChannels),
                uniformBias
                    ? Init.fanInUniform(
                        outChannels, fanIn, CounterRng.derive(seed, Linear.BIAS_STREAM))
                    : new float[outChannels],
                lrScale,
                false)
            : null;
  }

  /** A square {@code kernel x kernel} convolution with bias, He initialisation, learning rate 1. */
  public Conv2d(
      ComputeBackend backend,
      String name,
      int inChannels,
      int outChannels,
      int kernel,
      Conv2dParams params,
      long seed) {
    this(
        backend,
        name,
        inChannels,
        outChannels,
        kernel,
        kernel,
        params,
        true,
        Init.HE_UNIFORM,
        seed,
        1f);
  }

  public Parameter weight() {
    return weight;
  }

  /** The bias, or null. */
  public Parameter bias() {
    return bias;
  }

  public Conv2dParams params() {
    return params;
  }

  public int inChannels() {
    return weight.shape().dim(1);
  }

  public int outChannels() {
    return weight.shape().dim(0);
  }

  @Override
  public FeatureShape outputShape(FeatureShape in) {
    int kh = weight.shape().dim(2);
    int kw = weight.shape().dim(3);
    if (in.channels() != inChannels()) {
      throw new IllegalArgumentException(
          name + ": input " + in + " has " + in.channels() + " channels, expected " + inChannels());
    }
    int oh = params.outputHeight(in.height(), kh);
    int ow = params.outputWidth(in.width(), kw);
    if (oh < 1 || ow < 1) {
      throw new IllegalArgumentException(
          name
              + ": a "
              + kh
              + "x"
              + kw
              + " kernel (stride "
              + params.strideH()
              + "x"
              + params.strideW()
              + ", padding "
              + params.padH()
              + "x"
              + params.padW()
              + ", dilation "
              + params.dilationH()
              + "x"
              + params.dilationW()
              + ") does not fit the "
              + in
              + " input");
    }
    return new FeatureShape(outChannels(), oh, ow);
  }

  @Override
  public List<Parameter> parameters() {
    return bias == null ? List.of(weight) : List.of(weight, bias);
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    outputShape(FeatureShape.of(x.shape(), name));
    return g.conv2d(x, g.param(weight), bias == null ? null : g.param(bias), params);
  }
}
