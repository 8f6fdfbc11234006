package org.mtl4j.api.testing;

import static org.mtl4j.api.testing.Tolerance.assertClose;
import static org.mtl4j.api.testing.Tolerance.assertSameBits;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DynamicTest;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * The image primitives' part of {@link ComputeBackendContract}: convolution (forward, input and
 * weight gradients), max/average/global pooling and batch normalisation on the backend under test
 * against {@link ReferenceBackend}, over odd sizes, stride 2, padding, dilation, 1x1 and
 * rectangular kernels, batch 1, channels 1 and 3 and non-square images, plus NaN, ties and misuse.
 *
 * <p>Sums (convolution, pooling) are compared with {@link ComputeBackendContract#ACCUMULATION_RTOL}
 * relative to the sum of the absolute values of their terms, which the reference computes by
 * running the same operation on absolute values.
 */
final class ImagePrimitivesContract {
  private static final double ACC_RTOL = ComputeBackendContract.ACCUMULATION_RTOL;
  private static final double ATOL = ComputeBackendContract.ATOL;

  private final ComputeBackend backend;
  private final ReferenceBackend reference;

  ImagePrimitivesContract(ComputeBackend backend, ReferenceBackend reference) {
    this.backend = backend;
    this.reference = reference;
  }

  /** One convolution case: input {@code n x c x h x w}, {@code k} kernels {@code kh x kw}. */
  record Conv(
      String name,
      int n,
      int c,
      int h,
      int w,
      int k,
      int kh,
      int kw,
      Conv2dParams p,
      boolean bias) {
    Shape x() {
      return Shape.of(n, c, h, w);
    }

    Shape weight() {
      return Shape.of(k, c, kh, kw);
    }

    Shape out() {
      return Shape.of(n, k, p.outputHeight(h, kh), p.outputWidth(w, kw));
    }

    @Override
    public String toString() {
      return name + " x" + x() + " w" + weight() + " " + p + (bias ? " bias" : "");
    }
  }

  static final List<Conv> CONV_CASES =
      List.of(
          new Conv("odd non-square, padding", 2, 3, 7, 5, 4, 3, 3, Conv2dParams.of(1, 1, 1), true),
          new Conv("stride 2, channels 1", 3, 1, 9, 8, 2, 3, 3, Conv2dParams.of(2, 1, 1), true),
          new Conv("1x1 kernel, batch 1", 1, 3, 6, 7, 5, 1, 1, Conv2dParams.DEFAULT, true),
          new Conv("dilation 2", 2, 2, 11, 9, 3, 3, 3, Conv2dParams.of(1, 2, 2), false),
          new Conv(
              "rectangular kernel, mixed strides and padding",
              2,
              4,
              8,
              10,
              3,
              2,
              5,
              new Conv2dParams(2, 1, 0, 2, 1, 1),
              true),
          new Conv("kernel as large as the image", 1, 1, 5, 5, 1, 5, 5, Conv2dParams.DEFAULT, true),
          new Conv("LeNet first layer", 2, 1, 28, 28, 10, 5, 5, Conv2dParams.DEFAULT, true),
          new Conv("stride 2 1x1 projection", 2, 6, 9, 7, 8, 1, 1, Conv2dParams.of(2, 0, 1), false),
          new Conv("64-wide 3x3", 4, 32, 16, 16, 32, 3, 3, Conv2dParams.of(1, 1, 1), true));

  record Pool(String name, int n, int c, int h, int w, Pool2dParams p) {
    Shape x() {
      return Shape.of(n, c, h, w);
    }

    Shape out() {
      return Shape.of(n, c, p.outputHeight(h), p.outputWidth(w));
    }

    @Override
    public String toString() {
      return name + " x" + x() + " " + p;
    }
  }

  static final List<Pool> POOL_CASES =
      List.of(
          new Pool("2x2 stride 2, odd size", 2, 3, 7, 9, Pool2dParams.of(2)),
          new Pool(
              "3x3 stride 1 padding 1, batch 1 channel 1", 1, 1, 5, 6, Pool2dParams.of(3, 1, 1)),
          new Pool("3x3 stride 2 padding 1 (ResNet stem)", 2, 2, 8, 7, Pool2dParams.of(3, 2, 1)),
          new Pool("rectangular window", 1, 3, 6, 9, new Pool2dParams(2, 3, 2, 3, 1, 1)),
          new Pool("window as large as the image", 3, 1, 4, 4, Pool2dParams.of(4)),
          new Pool("large planes", 2, 8, 32, 32, Pool2dParams.of(2)));

  private static float[][] runOn(ComputeBackend b, Shape[] shapes, float[][] init, Body body) {
    try (TensorScope s = b.openScope()) {
      Tensor[] t = new Tensor[shapes.length];
      for (int i = 0; i < shapes.length; i++) {
        t[i] = b.fromHost(shapes[i], init[i]);
      }
      body.run(b, t);
      b.synchronize();
      float[][] out = new float[shapes.length][];
      for (int i = 0; i < shapes.length; i++) {
        out[i] = b.toHost(t[i]);
      }
      return out;
    }
  }

  @FunctionalInterface
  interface Body {
    void run(ComputeBackend b, Tensor[] t);
  }

  private static float[] abs(float[] v) {
    float[] a = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      a[i] = Math.abs(v[i]);
    }
    return a;
  }

  private static double[] doubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = Math.abs(v[i]);
    }
    return d;
  }

  /**
   * Runs {@code body} on both backends and compares tensor {@code result} as a sum: within {@code
   * ACC_RTOL} of the same operation on the absolute values of the inputs.
   */
  private void compareSum(String what, Shape[] shapes, float[][] init, int result, Body body) {
    float[][] actual = runOn(backend, shapes, init, body);
    float[][] expected = runOn(reference, shapes, init, body);
    float[][] absInit = new float[init.length][];
    for (int i = 0; i < init.length; i++) {
      absInit[i] = abs(init[i]);
    }
    float[][] scale = runOn(reference, shapes, absInit, body);
    assertClose(
        what,
        expected[result],
        actual[result],
        shapes[result].cols(),
        doubles(scale[result]),
        ACC_RTOL,
        ATOL);
    for (int i = 0; i < init.length; i++) {
      if (i != result) {
        assertSameBits(what + ": input " + i + " unchanged", expected[i], actual[i]);
      }
    }
  }

  List<DynamicTest> tests() {
    List<DynamicTest> t = new ArrayList<>();
    t.add(DynamicTest.dynamicTest("reshape keeps the row-major order", this::reshape));
    for (Conv c : CONV_CASES) {
      t.add(DynamicTest.dynamicTest("conv2d " + c, () -> conv2d(c)));
      t.add(DynamicTest.dynamicTest("conv2dBackwardInput " + c, () -> conv2dBackwardInput(c)));
      t.add(DynamicTest.dynamicTest("conv2dBackwardWeight " + c, () -> conv2dBackwardWeight(c)));
    }
    for (Pool p : POOL_CASES) {
      t.add(DynamicTest.dynamicTest("maxPool2d and backward " + p, () -> maxPool(p)));
      t.add(DynamicTest.dynamicTest("avgPool2d and backward " + p, () -> avgPool(p)));
    }
    t.add(DynamicTest.dynamicTest("maxPool2d ties, NaN and infinities", this::maxPoolSpecials));
    t.add(DynamicTest.dynamicTest("globalAvgPool2d and backward", this::globalAvgPool));
    int[][] bnShapes = {{2, 3, 5, 4}, {1, 1, 3, 1}, {4, 8, 6, 6}, {7, 3, 1, 1}};
    for (int[] s : bnShapes) {
      Shape x = Shape.of(s);
      t.add(DynamicTest.dynamicTest("batchNorm2d training " + x, () -> batchNormTraining(x)));
      t.add(DynamicTest.dynamicTest("batchNorm2d inference " + x, () -> batchNormInference(x)));
      t.add(DynamicTest.dynamicTest("batchNorm2d backward " + x, () -> batchNormBackward(x)));
    }
    t.add(DynamicTest.dynamicTest("image primitives reject misuse", this::misuse));
    return t;
  }

  // ------------------------------------------------------------------------------ cases

  private void reshape() {
    SplittableRandom rng = new SplittableRandom(300);
    float[] x = TestData.uniform(rng, 120, -1, 1);
    Shape[] s = {Shape.of(2, 3, 4, 5), Shape.matrix(2, 60)};
    float[][] out =
        runOn(backend, s, new float[][] {x, TestData.nans(120)}, (b, t) -> b.reshape(t[0], t[1]));
    assertSameBits("reshape [2,3,4,5] -> [2,60]", x, out[1]);
    float[][] back =
        runOn(backend, s, new float[][] {TestData.nans(120), x}, (b, t) -> b.reshape(t[1], t[0]));
    assertSameBits("reshape [2,60] -> [2,3,4,5]", x, back[0]);
  }

  private void conv2d(Conv c) {
    SplittableRandom rng = new SplittableRandom(c.hashCode());
    Shape[] s = {c.x(), c.weight(), Shape.row(c.k()), c.out()};
    float[][] init = {
      TestData.uniform(rng, c.x().size(), -1, 1),
      TestData.uniform(rng, c.weight().size(), -1, 1),
      TestData.uniform(rng, c.k(), -1, 1),
      TestData.nans(c.out().size())
    };
    compareSum(
        "conv2d " + c,
        s,
        init,
        3,
        (b, t) -> b.conv2d(t[0], t[1], c.bias() ? t[2] : null, c.p(), t[3]));
  }

  private void conv2dBackwardInput(Conv c) {
    SplittableRandom rng = new SplittableRandom(c.hashCode() + 1L);
    Shape[] s = {c.out(), c.weight(), c.x()};
    float[][] init = {
      TestData.uniform(rng, c.out().size(), -1, 1),
      TestData.uniform(rng, c.weight().size(), -1, 1),
      TestData.nans(c.x().size())
    };
    compareSum(
        "conv2dBackwardInput " + c,
        s,
        init,
        2,
        (b, t) -> b.conv2dBackwardInput(t[0], t[1], c.p(), t[2]));
  }

  private void conv2dBackwardWeight(Conv c) {
    for (float beta : new float[] {0f, 1f, 0.5f}) {
      SplittableRandom rng = new SplittableRandom(c.hashCode() + 2L);
      Shape[] s = {c.x(), c.out(), c.weight(), Shape.row(c.k())};
      float[] priorW =
          beta == 0f
              ? TestData.nans(c.weight().size())
              : TestData.uniform(rng, c.weight().size(), -1, 1);
      float[] priorB = beta == 0f ? TestData.nans(c.k()) : TestData.uniform(rng, c.k(), -1, 1);
      float[][] init = {
        TestData.uniform(rng, c.x().size(), -1, 1),
        TestData.uniform(rng, c.out().size(), -1, 1),
        priorW,
        priorB
      };
      String what = "conv2dBackwardWeight beta=" + beta + " " + c;
      Body body =
          (b, t) -> b.conv2dBackwardWeight(t[0], t[1], c.p(), beta, t[2], c.bias() ? t[3] : null);
      compareSumOutputs(what, s, init, new int[] {2, 3}, c.bias(), body);
    }
  }

  /** Like {@link #compareSum} for two outputs (weight and bias gradients). */
  private void compareSumOutputs(
      String what, Shape[] s, float[][] init, int[] results, boolean second, Body body) {
    float[][] actual = runOn(backend, s, init, body);
    float[][] expected = runOn(reference, s, init, body);
    float[][] absInit = new float[init.length][];
    for (int i = 0; i < init.length; i++) {
      absInit[i] = abs(init[i]);
    }
    float[][] scale = runOn(reference, s, absInit, body);
    for (int k = 0; k < results.length; k++) {
      int r = results[k];
      if (k == 1 && !second) {
        assertSameBits(what + ": a null gradBias leaves the tensor alone", init[r], actual[r]);
        continue;
      }
      assertClose(
          what + " output " + r,
          expected[r],
          actual[r],
          s[r].cols(),
          doubles(scale[r]),
          ACC_RTOL,
          ATOL);
    }
  }

  private void maxPool(Pool p) {
    SplittableRandom rng = new SplittableRandom(p.hashCode());
    Shape[] s = {p.x(), p.out(), p.out()};
    float[][] init = {
      TestData.uniform(rng, p.x().size(), -1, 1),
      TestData.nans(p.out().size()),
      TestData.nans(p.out().size())
    };
    Body fwd = (b, t) -> b.maxPool2d(t[0], p.p(), t[1], t[2]);
    float[][] actual = runOn(backend, s, init, fwd);
    float[][] expected = runOn(reference, s, init, fwd);
    assertSameBits("maxPool2d out " + p, expected[1], actual[1]);
    assertSameBits("maxPool2d indices " + p, expected[2], actual[2]);
    float[][] noIdx = runOn(backend, s, init, (b, t) -> b.maxPool2d(t[0], p.p(), t[1], null));
    assertSameBits("maxPool2d without indices " + p, expected[1], noIdx[1]);

    Shape[] bs = {p.out(), p.out(), p.x()};
    float[][] binit = {
      TestData.uniform(rng, p.out().size(), -1, 1), expected[2], TestData.nans(p.x().size())
    };
    compareSum(
        "maxPool2dBackward " + p, bs, binit, 2, (b, t) -> b.maxPool2dBackward(t[0], t[1], t[2]));
  }

  private void avgPool(Pool p) {
    SplittableRandom rng = new SplittableRandom(p.hashCode() + 1L);
    Shape[] s = {p.x(), p.out()};
    float[][] init = {TestData.uniform(rng, p.x().size(), -1, 1), TestData.nans(p.out().size())};
    compareSum("avgPool2d " + p, s, init, 1, (b, t) -> b.avgPool2d(t[0], p.p(), t[1]));
    Shape[] bs = {p.out(), p.x()};
    float[][] binit = {TestData.uniform(rng, p.out().size(), -1, 1), TestData.nans(p.x().size())};
    compareSum(
        "avgPool2dBackward " + p, bs, binit, 1, (b, t) -> b.avgPool2dBackward(t[0], p.p(), t[1]));
  }

  private void maxPoolSpecials() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    // one 4x4 plane, 2x2 windows: ties, a NaN after a larger value, -inf only, +inf
    float[] x = {3, 3, 5, nan, 3, 3, 7, 1, -inf, -inf, 2, inf, -inf, -inf, inf, 2};
    Shape[] s = {Shape.of(1, 1, 4, 4), Shape.of(1, 1, 2, 2), Shape.of(1, 1, 2, 2)};
    float[][] init = {x, TestData.nans(4), TestData.nans(4)};
    float[][] out =
        runOn(backend, s, init, (b, t) -> b.maxPool2d(t[0], Pool2dParams.of(2), t[1], t[2]));
    assertSameBits("max pool values", new float[] {3, nan, -inf, inf}, out[1]);
    assertSameBits("max pool indices (first tie, first NaN)", new float[] {0, 3, 8, 11}, out[2]);
  }

  private void globalAvgPool() {
    int[][] shapes = {{2, 3, 5, 7}, {1, 1, 1, 1}, {3, 16, 32, 32}};
    for (int[] d : shapes) {
      SplittableRandom rng = new SplittableRandom(d[3] * 31L + d[1]);
      Shape x = Shape.of(d);
      Shape o = Shape.matrix(d[0], d[1]);
      compareSum(
          "globalAvgPool2d " + x,
          new Shape[] {x, o},
          new float[][] {TestData.uniform(rng, x.size(), -1, 1), TestData.nans(o.size())},
          1,
          (b, t) -> b.globalAvgPool2d(t[0], t[1]));
      float[] g = TestData.uniform(rng, o.size(), -1, 1);
      float[][] actual =
          runOn(
              backend,
              new Shape[] {o, x},
              new float[][] {g, TestData.nans(x.size())},
              (b, t) -> b.globalAvgPool2dBackward(t[0], t[1]));
      float[][] expected =
          runOn(
              reference,
              new Shape[] {o, x},
              new float[][] {g, TestData.nans(x.size())},
              (b, t) -> b.globalAvgPool2dBackward(t[0], t[1]));
      assertClose("globalAvgPool2dBackward " + x, expected[1], actual[1], d[3], 1e-6, 0);
    }
  }

  private static final float EPS = 1e-5f;

  private void batchNormTraining(Shape x) {
    int c = x.dim(1);
    SplittableRandom rng = new SplittableRandom(x.hashCode());
    Shape ch = Shape.row(c);
    Shape[] s = {x, ch, ch, ch, ch, x, ch, ch};
    float[][] init = {
      TestData.uniform(rng, x.size(), -2, 3),
      TestData.uniform(rng, c, 0.5, 1.5),
      TestData.uniform(rng, c, -1, 1),
      TestData.uniform(rng, c, -1, 1),
      TestData.uniform(rng, c, 0.5, 2),
      TestData.nans(x.size()),
      TestData.nans(c),
      TestData.nans(c)
    };
    Body body =
        (b, t) -> b.batchNorm2dTraining(t[0], t[1], t[2], EPS, 0.1f, t[3], t[4], t[5], t[6], t[7]);
    float[][] actual = runOn(backend, s, init, body);
    float[][] expected = runOn(reference, s, init, body);
    String[] names = {
      "x", "gamma", "beta", "runningMean", "runningVar", "out", "saveMean", "saveInvStd"
    };
    for (int i = 0; i < s.length; i++) {
      assertClose(
          "batchNorm2dTraining " + x + " " + names[i],
          expected[i],
          actual[i],
          s[i].cols(),
          1e-4,
          1e-5);
    }
    // without running statistics, in place (out = x)
    Body inPlace =
        (b, t) -> b.batchNorm2dTraining(t[0], t[1], t[2], EPS, 0.1f, null, null, t[0], t[6], t[7]);
    float[][] a2 = runOn(backend, s, init, inPlace);
    assertClose("batchNorm2dTraining in place " + x, expected[5], a2[0], x.cols(), 1e-4, 1e-5);
    assertSameBits("batchNorm2dTraining without running stats leaves them", init[3], a2[3]);
  }

  private void batchNormInference(Shape x) {
    int c = x.dim(1);
    SplittableRandom rng = new SplittableRandom(x.hashCode() + 1L);
    Shape ch = Shape.row(c);
    Shape[] s = {x, ch, ch, ch, ch, x};
    float[][] init = {
      TestData.uniform(rng, x.size(), -2, 3),
      TestData.uniform(rng, c, 0.5, 1.5),
      TestData.uniform(rng, c, -1, 1),
      TestData.uniform(rng, c, -1, 1),
      TestData.uniform(rng, c, 0.5, 2),
      TestData.nans(x.size())
    };
    Body body = (b, t) -> b.batchNorm2dInference(t[0], t[1], t[2], t[3], t[4], EPS, t[5]);
    float[][] actual = runOn(backend, s, init, body);
    float[][] expected = runOn(reference, s, init, body);
    assertClose("batchNorm2dInference " + x, expected[5], actual[5], x.cols(), 1e-5, 1e-6);
    for (int i = 0; i < 5; i++) {
      assertSameBits("batchNorm2dInference leaves input " + i, init[i], actual[i]);
    }
  }

  private void batchNormBackward(Shape x) {
    int c = x.dim(1);
    for (boolean batchStats : new boolean[] {true, false}) {
      SplittableRandom rng = new SplittableRandom(x.hashCode() + 2L);
      Shape ch = Shape.row(c);
      Shape[] s = {x, x, ch, ch, ch, x, ch, ch};
      float[] xs = TestData.uniform(rng, x.size(), -2, 3);
      // the statistics a forward pass would have used
      float[] mean = new float[c];
      float[] invStd = new float[c];
      int plane = x.dim(2) * x.dim(3);
      for (int ci = 0; ci < c; ci++) {
        double sum = 0;
        double sq = 0;
        int m = 0;
        for (int n = 0; n < x.dim(0); n++) {
          for (int q = 0; q < plane; q++) {
            double v = xs[(n * c + ci) * plane + q];
            sum += v;
            sq += v * v;
            m++;
          }
        }
        mean[ci] = (float) (sum / m);
        invStd[ci] = (float) (1 / Math.sqrt(Math.max(0, sq / m - (sum / m) * (sum / m)) + EPS));
      }
      float[][] init = {
        xs,
        TestData.uniform(rng, x.size(), -1, 1),
        TestData.uniform(rng, c, 0.5, 1.5),
        mean,
        invStd,
        TestData.nans(x.size()),
        TestData.nans(c),
        TestData.nans(c)
      };
      Body body =
          (b, t) ->
              b.batchNorm2dBackward(t[0], t[1], t[2], t[3], t[4], batchStats, t[5], t[6], t[7]);
      float[][] actual = runOn(backend, s, init, body);
      float[][] expected = runOn(reference, s, init, body);
      String what =
          "batchNorm2dBackward " + x + (batchStats ? " batch statistics" : " fixed statistics");
      double gScale = 0;
      for (float v : expected[5]) {
        gScale = Math.max(gScale, Math.abs(v));
      }
      assertClose(what + " gradIn", expected[5], actual[5], x.cols(), 1e-4, 1e-4 * gScale + 1e-6);
      assertClose(what + " gradGamma", expected[6], actual[6], c, 1e-4, 1e-4 * x.size() / c);
      assertClose(what + " gradBeta", expected[7], actual[7], c, 1e-4, 1e-5 * x.size() / c);
      // only the gradients asked for are written
      float[][] partial =
          runOn(
              backend,
              s,
              init,
              (b, t) ->
                  b.batchNorm2dBackward(
                      t[0], t[1], t[2], t[3], t[4], batchStats, null, t[6], null));
      assertSameBits(what + ": null gradIn leaves the tensor", init[5], partial[5]);
      assertClose(what + " gradGamma alone", expected[6], partial[6], c, 1e-4, 1e-4 * x.size() / c);
    }
  }

  private void misuse() {
    ComputeBackend b = backend;
    try (TensorScope s = b.openScope()) {
      Tensor x = b.zeros(Shape.of(2, 3, 8, 8));
      Tensor w = b.zeros(Shape.of(4, 2, 3, 3));
      Tensor out = b.zeros(Shape.of(2, 4, 6, 6));
      ComputeBackendContract.assertMisuse(
          "conv2d channels",
          () -> b.conv2d(x, w, null, Conv2dParams.DEFAULT, out),
          "[4, 2, 3, 3]",
          "[2, 3, 8, 8]");
      Tensor big = b.zeros(Shape.of(4, 3, 9, 9));
      ComputeBackendContract.assertMisuse(
          "conv2d kernel too large",
          () -> b.conv2d(x, big, null, Conv2dParams.DEFAULT, out),
          "9x9",
          "[2, 3, 8, 8]");
      Tensor w3 = b.zeros(Shape.of(4, 3, 3, 3));
      Tensor wrongOut = b.zeros(Shape.of(2, 4, 8, 8));
      ComputeBackendContract.assertMisuse(
          "conv2d out",
          () -> b.conv2d(x, w3, null, Conv2dParams.DEFAULT, wrongOut),
          "[2, 4, 8, 8]",
          "[2, 4, 6, 6]");
      Tensor matrix = b.zeros(Shape.matrix(2, 192));
      ComputeBackendContract.assertMisuse(
          "conv2d rank", () -> b.conv2d(matrix, w3, null, Conv2dParams.DEFAULT, out), "[2, 192]");
      Tensor badBias = b.zeros(Shape.row(5));
      ComputeBackendContract.assertMisuse(
          "conv2d bias", () -> b.conv2d(x, w3, badBias, Conv2dParams.DEFAULT, out), "[1, 5]");
      Tensor pooled = b.zeros(Shape.of(2, 3, 4, 4));
      Tensor idx = b.zeros(Shape.of(2, 3, 4, 4));
      b.fill(idx, 64f);
      ComputeBackendContract.assertMisuse(
          "maxPool2dBackward index", () -> b.maxPool2dBackward(pooled, idx, x), "64");
      ComputeBackendContract.assertMisuse(
          "avgPool2d out", () -> b.avgPool2d(x, Pool2dParams.of(3), pooled), "[2, 3, 4, 4]");
      Tensor ch3 = b.zeros(Shape.row(3));
      Tensor one = b.zeros(Shape.of(1, 3, 1, 1));
      ComputeBackendContract.assertMisuse(
          "batchNorm2dTraining one value per channel",
          () -> b.batchNorm2dTraining(one, ch3, ch3, EPS, 0.1f, null, null, one, ch3, ch3),
          "[1, 3, 1, 1]");
      Tensor ch4 = b.zeros(Shape.row(4));
      ComputeBackendContract.assertMisuse(
          "batchNorm2dInference gamma",
          () -> b.batchNorm2dInference(x, ch4, ch3, ch3, ch3, EPS, x),
          "gamma",
          "[1, 4]");
      Tensor wrongSize = b.zeros(Shape.matrix(2, 100));
      ComputeBackendContract.assertMisuse(
          "reshape size", () -> b.reshape(x, wrongSize), "[2, 3, 8, 8]", "[2, 100]");
    }
  }
}
