package org.mtl4j.api.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DynamicTest;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.nn.BatchNorm2d;
import org.mtl4j.api.nn.Conv2d;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.Flatten;
import org.mtl4j.api.nn.GlobalAvgPool2d;
import org.mtl4j.api.nn.Init;
import org.mtl4j.api.nn.Linear;
import org.mtl4j.api.nn.MaxPool2d;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.nn.Module;
import org.mtl4j.api.nn.ResidualBlock;
import org.mtl4j.api.nn.Sequential;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * {@link GradientCheck} cases for the image operations of {@link Graph} and the image layers:
 * convolution (stride, padding, dilation, bias), max/average/global pooling, reshape, batch norm in
 * training and evaluation mode, and whole stacks (a LeNet-style network, residual blocks with
 * identity and projection shortcuts). Each objective projects the output onto fixed random weights,
 * so that no gradient vanishes by symmetry (the plain sum of a batch norm's output has zero
 * gradient).
 *
 * <p>Run in double precision on {@code ReferenceBackend(DOUBLE)} by the api tests and in float
 * precision on every backend by {@link ComputeBackendContract}.
 */
public final class ImageGradientChecks {
  private final ComputeBackend backend;
  private final GradientCheck.Settings settings;

  public ImageGradientChecks(ComputeBackend backend) {
    this.backend = backend;
    this.settings = GradientCheck.Settings.forBackend(backend);
  }

  /** Every case, as named dynamic tests. */
  public List<DynamicTest> tests() {
    List<DynamicTest> t = new ArrayList<>();
    t.add(
        DynamicTest.dynamicTest(
            "gradient conv2d stride 2, padding, bias", this::convStridePadding));
    t.add(
        DynamicTest.dynamicTest(
            "gradient conv2d dilation, rectangular, no bias", this::convDilation));
    t.add(DynamicTest.dynamicTest("gradient max and average pooling", this::pooling));
    t.add(
        DynamicTest.dynamicTest(
            "gradient global average pooling and reshape", this::globalAndReshape));
    t.add(DynamicTest.dynamicTest("gradient batch norm, training", () -> batchNorm(Mode.TRAIN)));
    t.add(DynamicTest.dynamicTest("gradient batch norm, evaluation", () -> batchNorm(Mode.EVAL)));
    t.add(DynamicTest.dynamicTest("gradient LeNet-style stack", this::lenet));
    t.add(DynamicTest.dynamicTest("gradient residual blocks", this::residual));
    return t;
  }

  private Tensor host(Shape s, float[] v) {
    return backend.fromHost(s, v);
  }

  /** {@code sum(out * proj)} for a fixed random {@code proj} of the output's shape. */
  private static Var project(Graph g, Var out, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    Tensor proj =
        g.backend().fromHost(out.shape(), TestData.uniform(rng, out.shape().size(), -1, 1));
    return g.sum(g.mul(out, g.constant(proj)));
  }

  private void randomise(List<Parameter> params, long seed, double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    for (Parameter p : params) {
      backend.upload(TestData.uniform(rng, p.size(), -scale, scale), p.value());
    }
  }

  private void convStridePadding() {
    try (TensorScope s = backend.openScope();
        Conv2d conv =
            new Conv2d(
                backend,
                "conv",
                3,
                4,
                3,
                3,
                Conv2dParams.of(2, 1, 1),
                true,
                Init.HE_UNIFORM,
                1L,
                1f)) {
      randomise(conv.parameters(), 2, 0.5);
      Tensor x = host(Shape.of(2, 3, 7, 6), TestData.uniform(new SplittableRandom(3), 252, -1, 1));
      GradientCheck.Report r =
          GradientCheck.check(
              backend,
              conv.parameters(),
              List.of(x),
              (g, l) -> project(g, conv.forward(g, l.get(0), Mode.TRAIN), 4),
              settings);
      assertTrue(r.elementsChecked() >= 80, "checked " + r.elementsChecked());
    }
  }

  private void convDilation() {
    try (TensorScope s = backend.openScope();
        Conv2d conv =
            new Conv2d(
                backend,
                "conv",
                2,
                3,
                2,
                3,
                new Conv2dParams(1, 2, 2, 1, 2, 1),
                false,
                Init.HE_UNIFORM,
                5L,
                1f)) {
      randomise(conv.parameters(), 6, 0.5);
      Tensor x = host(Shape.of(1, 2, 6, 7), TestData.uniform(new SplittableRandom(7), 84, -1, 1));
      GradientCheck.check(
          backend,
          conv.parameters(),
          List.of(x),
          (g, l) -> project(g, conv.forward(g, l.get(0), Mode.TRAIN), 8),
          settings);
    }
  }

  /** Distinct values at least 0.05 apart, so that no finite-difference step moves an argmax. */
  private static float[] distinct(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((i - n / 2) * 0.05);
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      float t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return v;
  }

  private void pooling() {
    try (TensorScope s = backend.openScope()) {
      Tensor x = host(Shape.of(2, 2, 7, 6), distinct(168, 9));
      GradientCheck.check(
          backend,
          List.of(),
          List.of(x),
          (g, l) ->
              g.sumOf(
                  List.of(
                      project(g, g.maxPool2d(l.get(0), Pool2dParams.of(3, 2, 1)), 10),
                      project(g, g.maxPool2d(l.get(0), Pool2dParams.of(2)), 11),
                      project(g, g.avgPool2d(l.get(0), new Pool2dParams(3, 2, 2, 1, 1, 0)), 12))),
          settings);
    }
  }

  private void globalAndReshape() {
    try (TensorScope s = backend.openScope()) {
      Tensor x = host(Shape.of(3, 2, 4, 5), TestData.uniform(new SplittableRandom(13), 120, -1, 1));
      GradientCheck.check(
          backend,
          List.of(),
          List.of(x),
          (g, l) ->
              g.sumOf(
                  List.of(
                      project(g, g.globalAvgPool2d(l.get(0)), 14),
                      project(g, g.reshape(l.get(0), Shape.matrix(3, 40)), 15))),
          settings);
    }
  }

  private void batchNorm(Mode mode) {
    try (TensorScope s = backend.openScope();
        BatchNorm2d bn = new BatchNorm2d(backend, "bn", 3)) {
      randomise(bn.parameters(), 16, 1.0);
      SplittableRandom rng = new SplittableRandom(17);
      backend.upload(TestData.uniform(rng, 3, -0.5, 0.5), bn.runningMean());
      backend.upload(TestData.uniform(rng, 3, 0.5, 2), bn.runningVar());
      Tensor x = host(Shape.of(4, 3, 3, 2), TestData.uniform(rng, 72, -2, 2));
      GradientCheck.Report r =
          GradientCheck.check(
              backend,
              bn.parameters(),
              List.of(x),
              (g, l) -> project(g, bn.forward(g, l.get(0), mode), 18),
              settings);
      assertTrue(r.elementsChecked() >= 40, "checked " + r.elementsChecked());
    }
  }

  /** Builds a network on a backend. */
  @FunctionalInterface
  private interface Factory {
    List<Module> make(ComputeBackend b);
  }

  /** The loss of a network (its modules in order) on input {@code x}. */
  @FunctionalInterface
  private interface StackObjective {
    Var loss(Graph g, List<Module> net, Var x);
  }

  /**
   * A whole stack: finite differences in double precision; on a float backend, whose finite
   * differences would cross ReLU and max-pool kinks, the analytic gradients (parameters and input)
   * are compared with those of {@code ReferenceBackend(DOUBLE)} on the same values, which the
   * double-precision run checks by finite differences.
   */
  private void stack(Factory factory, Shape xShape, long seed, StackObjective objective) {
    float[] xv = TestData.uniform(new SplittableRandom(seed), xShape.size(), -1, 1);
    if (settings.equals(GradientCheck.Settings.doublePrecision())) {
      List<Module> net = factory.make(backend);
      try (TensorScope s = backend.openScope()) {
        List<Parameter> params = parameters(net);
        randomise(params, seed + 1, 0.5);
        GradientCheck.check(
            backend,
            params,
            List.of(host(xShape, xv)),
            (g, l) -> objective.loss(g, net, l.get(0)),
            settings);
      } finally {
        net.forEach(Module::close);
      }
      return;
    }
    try (ReferenceBackend ref = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE)) {
      List<float[]> expected = analytic(ref, factory, xShape, xv, seed, objective);
      List<float[]> actual = analytic(backend, factory, xShape, xv, seed, objective);
      for (int i = 0; i < expected.size(); i++) {
        float[] e = expected.get(i);
        double max = 0;
        for (float v : e) {
          max = Math.max(max, Math.abs(v));
        }
        Tolerance.assertClose(
            "gradient " + i + " of the stack against the double reference",
            e,
            actual.get(i),
            e.length,
            1e-3,
            1e-4 * max + 1e-6);
      }
    }
  }

  private static List<Parameter> parameters(List<Module> net) {
    List<Parameter> params = new ArrayList<>();
    for (Module m : net) {
      params.addAll(m.parameters());
    }
    return params;
  }

  private static List<float[]> analytic(
      ComputeBackend b,
      Factory factory,
      Shape xShape,
      float[] xv,
      long seed,
      StackObjective objective) {
    List<Module> net = factory.make(b);
    try (TensorScope s = b.openScope()) {
      List<Parameter> params = parameters(net);
      SplittableRandom rng = new SplittableRandom(seed + 1);
      for (Parameter p : params) {
        b.upload(TestData.uniform(rng, p.size(), -0.5, 0.5), p.value());
      }
      Graph g = new Graph(b, 17L);
      Var x = g.leaf(b.fromHost(xShape, xv));
      Var loss = objective.loss(g, net, x);
      List<Var> wrt = new ArrayList<>();
      for (Parameter p : params) {
        wrt.add(g.param(p));
      }
      wrt.add(x);
      java.util.Map<Var, Tensor> grads = g.grad(loss, wrt);
      List<float[]> out = new ArrayList<>();
      for (Var v : wrt) {
        out.add(b.toHost(grads.get(v)));
      }
      return out;
    } finally {
      net.forEach(Module::close);
    }
  }

  private void lenet() {
    FeatureShape in = new FeatureShape(1, 12, 10);
    stack(
        b -> {
          Conv2d c1 =
              new Conv2d(b, "c1", 1, 3, 3, 3, Conv2dParams.DEFAULT, true, Init.HE_UNIFORM, 19L, 1f);
          MaxPool2d p1 = new MaxPool2d("p1", Pool2dParams.of(2));
          FeatureShape after = p1.outputShape(c1.outputShape(in));
          return List.of(
              new Sequential(
                  List.of(
                      c1,
                      p1,
                      new Flatten("flat", after),
                      new Linear(b, "fc", after.size(), 4, Init.XAVIER_UNIFORM, 20L))));
        },
        Shape.of(2, 1, 12, 10),
        21,
        (g, net, x) -> project(g, g.tanh(net.get(0).forward(g, x, Mode.TRAIN)), 23));
  }

  private void residual() {
    stack(
        b ->
            List.of(
                new ResidualBlock(b, "r1", 2, 2, 1, 24L),
                new ResidualBlock(b, "r2", 2, 3, 2, 25L),
                new GlobalAvgPool2d("gap", 3)),
        Shape.of(2, 2, 5, 4),
        26,
        (g, net, x) -> {
          Var h = net.get(1).forward(g, net.get(0).forward(g, x, Mode.TRAIN), Mode.TRAIN);
          return g.sumOf(
              List.of(project(g, h, 28), project(g, net.get(2).forward(g, h, Mode.TRAIN), 29)));
        });
  }
}
