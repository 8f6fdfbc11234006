package org.mtl4j.api.nn;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.tensor.Shape;

/**
 * Checks a list of {@link LayerSpec}s against its input and builds it: the one place where a layer
 * list (a config's trunk, tower, column or expert) becomes modules.
 *
 * <p>{@link #shapes} walks the list with the shape rules alone, allocating nothing, so a config
 * reader can reject a list that does not fit its input (a kernel larger than the feature map, a
 * linear layer on an image) with the layer's position and both shapes. {@link #build} makes the
 * modules: layer {@code i}'s parameters are named {@code <name>.<i>.weight} as in PyTorch's {@code
 * nn.Sequential}. A stack whose input is an image accepts the flat rows a data set delivers ({@code
 * [N, C*H*W]}, NCHW order) and reshapes them first.
 */
public final class LayerStack {
  private LayerStack() {}

  /** A layer list that does not fit its input: names the layer's position, the layer and why. */
  public static final class ShapeException extends IllegalArgumentException {
    private final int index;
    private final transient LayerSpec layer;
    private final String reason;

    ShapeException(int index, LayerSpec layer, String reason) {
      super("layer " + index + " (" + layer.describe() + "): " + reason);
      this.index = index;
      this.layer = layer;
      this.reason = reason;
    }

    /** Position of the offending layer in its list, from 0. */
    public int index() {
      return index;
    }

    public LayerSpec layer() {
      return layer;
    }

    /** What does not fit, without the layer's position. */
    public String reason() {
      return reason;
    }
  }

  /**
   * The shape after each layer of {@code layers} applied to {@code in}: element {@code i} is layer
   * {@code i}'s output, so the list is as long as {@code layers}.
   *
   * @throws ShapeException for the first layer that does not fit
   */
  public static List<LayerShape> shapes(List<LayerSpec> layers, LayerShape in) {
    List<LayerShape> out = new ArrayList<>(layers.size());
    LayerShape s = in;
    for (int i = 0; i < layers.size(); i++) {
      s = next(i, layers.get(i), s);
      out.add(s);
    }
    return out;
  }

  /** The shape after all of {@code layers}: {@code in} for an empty list. */
  public static LayerShape outputShape(List<LayerSpec> layers, LayerShape in) {
    List<LayerShape> s = shapes(layers, in);
    return s.isEmpty() ? in : s.get(s.size() - 1);
  }

  private static LayerShape next(int i, LayerSpec layer, LayerShape in) {
    if (layer instanceof LayerSpec.Conv c) {
      FeatureShape x = image(i, layer, in);
      Conv2dParams p = Conv2dParams.of(c.stride(), c.padding(), c.dilation());
      int oh = p.outputHeight(x.height(), c.kernel());
      int ow = p.outputWidth(x.width(), c.kernel());
      if (oh < 1 || ow < 1) {
        int reach = c.dilation() * (c.kernel() - 1) + 1;
        throw new ShapeException(
            i,
            layer,
            "the kernel spans "
                + reach
                + "x"
                + reach
                + " but the input "
                + x
                + " padded by "
                + c.padding()
                + " is only "
                + (x.height() + 2 * c.padding())
                + "x"
                + (x.width() + 2 * c.padding()));
      }
      return LayerShape.image(new FeatureShape(c.channels(), oh, ow));
    }
    if (layer instanceof LayerSpec.Pool p) {
      FeatureShape x = image(i, layer, in);
      if (p.window() > x.height() + 2 * p.padding() || p.window() > x.width() + 2 * p.padding()) {
        throw new ShapeException(
            i,
            layer,
            "the "
                + p.window()
                + "x"
                + p.window()
                + " window does not fit the input "
                + x
                + " padded by "
                + p.padding());
      }
      Pool2dParams q = poolParams(p);
      return LayerShape.image(
          new FeatureShape(x.channels(), q.outputHeight(x.height()), q.outputWidth(x.width())));
    }
    if (layer instanceof LayerSpec.GlobalPool) {
      return LayerShape.flat(image(i, layer, in).channels());
    }
    if (layer instanceof LayerSpec.BatchNorm) {
      image(i, layer, in);
      return in;
    }
    if (layer instanceof LayerSpec.Act || layer instanceof LayerSpec.Drop) {
      return in;
    }
    if (layer instanceof LayerSpec.Flat) {
      return LayerShape.flat(image(i, layer, in).size());
    }
    if (layer instanceof LayerSpec.Dense d) {
      if (in.isImage()) {
        throw new ShapeException(
            i,
            layer,
            "the input is the image "
                + in.image()
                + "; a linear layer reads flat features: put flatten or gap before it");
      }
      return LayerShape.flat(d.units());
    }
    LayerSpec.Residual r = (LayerSpec.Residual) layer;
    FeatureShape x = image(i, layer, in);
    Conv2dParams p = Conv2dParams.of(r.stride(), 1, 1);
    return LayerShape.image(
        new FeatureShape(r.channels(), p.outputHeight(x.height(), 3), p.outputWidth(x.width(), 3)));
  }

  private static FeatureShape image(int i, LayerSpec layer, LayerShape in) {
    if (!in.isImage()) {
      throw new ShapeException(
          i, layer, "the input is " + in.size() + " flat features, but this layer needs an image");
    }
    return in.image();
  }

  private static Pool2dParams poolParams(LayerSpec.Pool p) {
    return Pool2dParams.of(p.window(), p.stride(), p.padding());
  }

  /**
   * The modules of {@code layers} over {@code in}, as one {@link Sequential}; an image input is
   * first reshaped from the rows a data set delivers.
   *
   * @param name prefix of the parameter names
   * @param init how convolutions and linear layers are initialised: {@link
   *     WeightInit#hidden(Activation)} for the activation that follows the layer (skipping batch
   *     norm, pooling and dropout), {@link WeightInit#output()} where none follows
   * @param seed layer {@code i} draws from {@code CounterRng.derive(seed, i)}
   * @throws ShapeException when the list does not fit {@code in}
   */
  public static Sequential build(
      ComputeBackend backend,
      String name,
      List<LayerSpec> layers,
      LayerShape in,
      WeightInit init,
      long seed,
      float lrScale) {
    if (layers.isEmpty()) {
      throw new IllegalArgumentException(name + ": a layer stack needs at least one layer");
    }
    List<LayerShape> shapes = shapes(layers, in);
    List<Module> made = new ArrayList<>(layers.size() + 1);
    try {
      if (in.isImage()) {
        made.add(new Unflatten(name, in.image()));
      }
      LayerShape s = in;
      for (int i = 0; i < layers.size(); i++) {
        made.add(
            module(
                backend, name + "." + i, layers, i, s, init, CounterRng.derive(seed, i), lrScale));
        s = shapes.get(i);
      }
      return new Sequential(made);
    } catch (RuntimeException e) {
      for (Module m : made) {
        m.close();
      }
      throw e;
    }
  }

  private static Module module(
      ComputeBackend backend,
      String name,
      List<LayerSpec> layers,
      int i,
      LayerShape in,
      WeightInit init,
      long seed,
      float lrScale) {
    LayerSpec layer = layers.get(i);
    if (layer instanceof LayerSpec.Conv c) {
      return new Conv2d(
          backend,
          name,
          in.image().channels(),
          c.channels(),
          c.kernel(),
          c.kernel(),
          Conv2dParams.of(c.stride(), c.padding(), c.dilation()),
          c.bias(),
          initFor(layers, i, init),
          init.uniformBias(),
          seed,
          lrScale);
    }
    if (layer instanceof LayerSpec.Pool p) {
      return p.kind() == LayerSpec.PoolKind.MAX
          ? new MaxPool2d(name, poolParams(p))
          : new AvgPool2d(name, poolParams(p));
    }
    if (layer instanceof LayerSpec.GlobalPool) {
      return new GlobalAvgPool2d(name, in.image().channels());
    }
    if (layer instanceof LayerSpec.BatchNorm) {
      return new BatchNorm2d(backend, name, in.image().channels());
    }
    if (layer instanceof LayerSpec.Act a) {
      return new ActivationLayer(a.activation(), in.size());
    }
    if (layer instanceof LayerSpec.Drop d) {
      return new Dropout((float) d.rate(), in.size());
    }
    if (layer instanceof LayerSpec.Flat) {
      return new Flatten(name, in.image());
    }
    if (layer instanceof LayerSpec.Dense d) {
      return new Linear(
          backend,
          name,
          in.size(),
          d.units(),
          true,
          initFor(layers, i, init),
          init.uniformBias(),
          seed,
          lrScale);
    }
    LayerSpec.Residual r = (LayerSpec.Residual) layer;
    return new ResidualBlock(
        backend, name, in.image().channels(), r.channels(), r.stride(), seed, lrScale);
  }

  /** The initialiser of weighted layer {@code i}: by the activation that follows it, if any. */
  private static Init initFor(List<LayerSpec> layers, int i, WeightInit init) {
    for (int j = i + 1; j < layers.size(); j++) {
      LayerSpec l = layers.get(j);
      if (l instanceof LayerSpec.Act a) {
        return init.hidden(a.activation());
      }
      if (!(l instanceof LayerSpec.BatchNorm
          || l instanceof LayerSpec.Pool
          || l instanceof LayerSpec.Drop)) {
        break;
      }
    }
    return init.output();
  }

  /** An element-wise non-linearity as a layer. */
  private static final class ActivationLayer implements Module {
    private final Activation activation;
    private final int size;

    ActivationLayer(Activation activation, int size) {
      this.activation = activation;
      this.size = size;
    }

    @Override
    public List<Parameter> parameters() {
      return List.of();
    }

    @Override
    public Var forward(Graph g, Var x, Mode mode) {
      return activation.apply(g, x);
    }

    @Override
    public int outputSize() {
      return size;
    }
  }

  /** The rows a data set delivers ({@code [N, C*H*W]}) as the image batch {@code [N, C, H, W]}. */
  private static final class Unflatten implements Module {
    private final String name;
    private final FeatureShape image;

    Unflatten(String name, FeatureShape image) {
      this.name = name;
      this.image = image;
    }

    @Override
    public List<Parameter> parameters() {
      return List.of();
    }

    @Override
    public Var forward(Graph g, Var x, Mode mode) {
      Shape s = x.shape();
      if (s.rank() == 4) {
        FeatureShape got = FeatureShape.of(s, name);
        if (!got.equals(image)) {
          throw new IllegalArgumentException(name + ": input is " + got + ", expected " + image);
        }
        return x;
      }
      if (s.rank() != 2 || s.dim(1) != image.size()) {
        throw new IllegalArgumentException(
            name
                + ": input is "
                + s
                + " but must be image rows [N, "
                + image.size()
                + "] ("
                + image
                + " per example)");
      }
      return g.reshape(x, Shape.of(s.dim(0), image.channels(), image.height(), image.width()));
    }

    @Override
    public int outputSize() {
      return image.size();
    }
  }
}
