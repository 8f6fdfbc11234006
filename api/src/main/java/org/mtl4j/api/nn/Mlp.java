package org.mtl4j.api.nn;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;

/**
 * A multi-layer perceptron: for each hidden size a {@link Linear} layer, an optional {@link
 * LayerNorm}, the activation and {@link Dropout}; then, if {@code outputSize > 0}, a final linear
 * layer without activation.
 */
public final class Mlp implements Module {
  private final List<Module> layers = new ArrayList<>();
  private final List<Linear> linears = new ArrayList<>();
  private final Activation activation;
  private final int outputSize;

  /**
   * @param name parameter-name prefix, e.g. {@code trunk}
   * @param hidden hidden layer sizes (may be empty)
   * @param outputSize size of a final linear output layer, or 0 for none (the last hidden layer is
   *     the output)
   */
  public Mlp(
      ComputeBackend backend,
      String name,
      int inputSize,
      List<Integer> hidden,
      int outputSize,
      Activation activation,
      float dropout,
      boolean layerNorm,
      long seed,
      float lrScale) {
    this(
        backend,
        name,
        inputSize,
        hidden,
        outputSize,
        activation,
        dropout,
        layerNorm,
        seed,
        lrScale,
        WeightInit.DEFAULT);
  }

  /**
   * @param name parameter-name prefix, e.g. {@code trunk}
   * @param hidden hidden layer sizes (may be empty)
   * @param outputSize size of a final linear output layer, or 0 for none (the last hidden layer is
   *     the output)
   * @param init how the hidden and output layers are initialised
   */
  public Mlp(
      ComputeBackend backend,
      String name,
      int inputSize,
      List<Integer> hidden,
      int outputSize,
      Activation activation,
      float dropout,
      boolean layerNorm,
      long seed,
      float lrScale,
      WeightInit init) {
    this.activation = activation;
    int in = inputSize;
    try {
      for (int i = 0; i < hidden.size(); i++) {
        int h = hidden.get(i);
        Linear l =
            new Linear(
                backend,
                name + "." + i,
                in,
                h,
                true,
                init.hidden(activation),
                init.uniformBias(),
                CounterRng.derive(seed, i),
                lrScale);
        linears.add(l);
        layers.add(l);
        if (layerNorm) {
          layers.add(new LayerNorm(backend, name + "." + i + ".norm", h, 1e-5f));
        }
        layers.add(new ActivationLayer(activation, h));
        if (dropout > 0f) {
          layers.add(new Dropout(dropout, h));
        }
        in = h;
      }
      if (outputSize > 0) {
        Linear out =
            new Linear(
                backend,
                name + ".out",
                in,
                outputSize,
                true,
                init.output(),
                init.uniformBias(),
                CounterRng.derive(seed, hidden.size()),
                lrScale);
        linears.add(out);
        layers.add(out);
        in = outputSize;
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    this.outputSize = in;
  }

  /** The linear layers in order (the last one is the output layer when there is one). */
  public List<Linear> linears() {
    return List.copyOf(linears);
  }

  public Activation activation() {
    return activation;
  }

  @Override
  public List<Parameter> parameters() {
    List<Parameter> ps = new ArrayList<>();
    for (Module m : layers) {
      ps.addAll(m.parameters());
    }
    return ps;
  }

  @Override
  public Var forward(Graph g, Var x, Mode mode) {
    Var h = x;
    for (Module m : layers) {
      h = m.forward(g, h, mode);
    }
    return h;
  }

  @Override
  public int outputSize() {
    return outputSize;
  }

  private record ActivationLayer(Activation activation, int size) implements Module {
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
}
