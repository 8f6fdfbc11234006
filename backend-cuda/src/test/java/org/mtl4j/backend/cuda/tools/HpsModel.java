package org.mtl4j.backend.cuda.tools;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Init;
import org.mtl4j.api.nn.Linear;
import org.mtl4j.api.nn.Mlp;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.optim.Adam;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * The reference hard-parameter-sharing model of the benchmarks (Caruana, "Multitask Learning",
 * 1997): a shared trunk 784-512-256 with ReLU, a 10-way softmax cross-entropy head (category) and a
 * 1-unit sigmoid binary cross-entropy head (footwear), loss = sum of both, Adam at 1e-3. The same
 * seed gives the same initial weights on every backend.
 */
public final class HpsModel implements AutoCloseable {
  private final ComputeBackend backend;
  private final Mlp trunk;
  private final Linear category;
  private final Linear footwear;
  private final List<Parameter> parameters = new ArrayList<>();
  private final Adam optimizer;
  private float[] x = new float[0];
  private float[] y = new float[0];
  private float[] f = new float[0];
  private long steps;

  public HpsModel(ComputeBackend backend, long seed) {
    this.backend = backend;
    trunk =
        new Mlp(
            backend,
            "trunk",
            SyntheticFashion.PIXELS,
            List.of(512, 256),
            0,
            Activation.RELU,
            0f,
            false,
            seed,
            1f);
    category =
        new Linear(
            backend,
            "category",
            256,
            SyntheticFashion.CLASSES,
            Init.XAVIER_UNIFORM,
            CounterRng.derive(seed, 100));
    footwear =
        new Linear(backend, "footwear", 256, 1, Init.XAVIER_UNIFORM, CounterRng.derive(seed, 101));
    parameters.addAll(trunk.parameters());
    parameters.addAll(category.parameters());
    parameters.addAll(footwear.parameters());
    optimizer = Adam.defaults(backend, 1e-3);
  }

  public List<Parameter> parameters() {
    return parameters;
  }

  /**
   * One training step on {@code batch} samples of {@code data} starting at {@code step * batch} (in
   * order), returning the loss when {@code readLoss} (else NaN, avoiding a device sync).
   */
  public float trainStep(SyntheticFashion data, int step, int batch, boolean readLoss) {
    return trainStep(data, null, step * batch, batch, readLoss);
  }

  /** One training step on {@code order[from .. from + batch)}. */
  public float trainStep(
      SyntheticFashion data, int[] order, int from, int batch, boolean readLoss) {
    if (x.length != batch * SyntheticFashion.PIXELS) {
      x = new float[batch * SyntheticFashion.PIXELS];
      y = new float[batch];
      f = new float[batch];
    }
    data.gather(order, from, batch, x, y, f);
    float loss = Float.NaN;
    try (TensorScope s = backend.openScope()) {
      Tensor xt = backend.fromHost(Shape.matrix(batch, SyntheticFashion.PIXELS), x);
      Tensor yt = backend.fromHost(Shape.column(batch), y);
      Tensor ft = backend.fromHost(Shape.column(batch), f);
      Graph g = new Graph(backend, steps);
      Var h = trunk.forward(g, g.constant(xt), Mode.TRAIN);
      Var la = g.softmaxCrossEntropy(category.forward(g, h, Mode.TRAIN), yt, null);
      Var lb = g.bceWithLogits(footwear.forward(g, h, Mode.TRAIN), ft, null);
      Var total = g.add(la, lb);
      optimizer.zeroGrad(parameters);
      g.backward(total);
      if (readLoss) {
        loss = backend.scalar(total.value());
      }
    }
    optimizer.step(parameters);
    steps++;
    return loss;
  }

  @Override
  public void close() {
    optimizer.close();
    for (Parameter p : parameters) {
      p.close();
    }
  }
}
