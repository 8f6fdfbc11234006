package org.mtl4j.backend.cuda;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.testing.TestData;

/**
 * The image cases of the kernel emulation ({@code src/test/cuda/image_emulation_test.cpp}) and of
 * the GPU tests: the contract's geometries (odd sizes, stride 2, padding, dilation, 1x1 and
 * rectangular kernels, batch 1, channels 1 and 3, non-square images, LeNet's layers) with inputs
 * and the {@link ReferenceBackend}'s outputs, written in the binary record layout the emulation
 * reads.
 */
final class ImageEmulationCases {
  /** A convolution: input {@code n x c x h x w}, {@code k} kernels {@code kh x kw}. */
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
      boolean bias,
      int chunk) {
    Shape x() {
      return Shape.of(n, c, h, w);
    }

    Shape weight() {
      return Shape.of(k, c, kh, kw);
    }

    Shape out() {
      return Shape.of(n, k, p.outputHeight(h, kh), p.outputWidth(w, kw));
    }

    int[] ints() {
      return new int[] {
        n,
        c,
        h,
        w,
        k,
        kh,
        kw,
        p.strideH(),
        p.strideW(),
        p.padH(),
        p.padW(),
        p.dilationH(),
        p.dilationW(),
        bias ? 1 : 0,
        chunk
      };
    }
  }

  /** A pooling of {@code n x c x h x w}. */
  record Pool(String name, int n, int c, int h, int w, Pool2dParams p) {
    Shape x() {
      return Shape.of(n, c, h, w);
    }

    Shape out() {
      return Shape.of(n, c, p.outputHeight(h), p.outputWidth(w));
    }

    int[] ints() {
      return new int[] {
        n, c, h, w, p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW()
      };
    }
  }

  /** Chunk: images per im2col chunk in the emulation (fewer than n exercises the chunk loop). */
  static final List<Conv> CONV =
      List.of(
          new Conv(
              "odd non-square, padding", 2, 3, 7, 5, 4, 3, 3, Conv2dParams.of(1, 1, 1), true, 1),
          new Conv("stride 2, channels 1", 3, 1, 9, 8, 2, 3, 3, Conv2dParams.of(2, 1, 1), true, 2),
          new Conv("1x1 kernel, batch 1", 1, 3, 6, 7, 5, 1, 1, Conv2dParams.DEFAULT, true, 1),
          new Conv("dilation 2", 2, 2, 11, 9, 3, 3, 3, Conv2dParams.of(1, 2, 2), false, 2),
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
              true,
              1),
          new Conv(
              "kernel as large as the image", 1, 1, 5, 5, 1, 5, 5, Conv2dParams.DEFAULT, true, 1),
          new Conv(
              "stride 2 1x1 projection", 2, 6, 9, 7, 8, 1, 1, Conv2dParams.of(2, 0, 1), false, 1),
          new Conv("LeNet first layer", 2, 1, 28, 28, 10, 5, 5, Conv2dParams.DEFAULT, true, 2),
          new Conv("LeNet second layer", 3, 10, 12, 12, 20, 5, 5, Conv2dParams.DEFAULT, true, 2),
          new Conv("64-wide 3x3", 4, 32, 16, 16, 32, 3, 3, Conv2dParams.of(1, 1, 1), true, 3));

  static final List<Pool> POOL =
      List.of(
          new Pool("2x2 stride 2, odd size", 2, 3, 7, 9, Pool2dParams.of(2)),
          new Pool(
              "3x3 stride 1 padding 1, batch 1 channel 1", 1, 1, 5, 6, Pool2dParams.of(3, 1, 1)),
          new Pool("3x3 stride 2 padding 1 (ResNet stem)", 2, 2, 8, 7, Pool2dParams.of(3, 2, 1)),
          new Pool("rectangular window", 1, 3, 6, 9, new Pool2dParams(2, 3, 2, 3, 1, 1)),
          new Pool("window as large as the image", 3, 1, 4, 4, Pool2dParams.of(4)),
          new Pool("LeNet pooling", 2, 10, 24, 24, Pool2dParams.of(2)));

  static final List<Shape> BATCH_NORM =
      List.of(
          Shape.of(2, 3, 5, 7), Shape.of(1, 1, 4, 3), Shape.of(4, 16, 8, 8), Shape.of(5, 2, 1, 1));

  static final List<Shape> GLOBAL_POOL =
      List.of(Shape.of(2, 3, 5, 7), Shape.of(1, 1, 1, 1), Shape.of(3, 16, 32, 32));

  static final float EPS = 1e-5f;
  static final float MOMENTUM = 0.1f;

  private final ReferenceBackend ref = new ReferenceBackend();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private int records;

  /** The reference's values of {@code shapes} initialised from {@code init}, after {@code body}. */
  static float[][] run(ComputeBackend b, Shape[] shapes, float[][] init, Consumer<Tensor[]> body) {
    try (TensorScope s = b.openScope()) {
      Tensor[] t = new Tensor[shapes.length];
      for (int i = 0; i < shapes.length; i++) {
        t[i] = b.fromHost(shapes[i], init[i]);
      }
      body.accept(t);
      b.synchronize();
      float[][] out = new float[shapes.length][];
      for (int i = 0; i < shapes.length; i++) {
        out[i] = b.toHost(t[i]);
      }
      return out;
    }
  }

  private void record(
      int op, String name, int[] ints, double rtol, double atol, float[]... arrays) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    int size = 4 + 4 + n.length + 4 + 4 * ints.length + 4 + 16;
    for (float[] a : arrays) {
      size += 4 + 4 * a.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(op).putInt(n.length).put(n).putInt(ints.length);
    for (int v : ints) {
      b.putInt(v);
    }
    b.putInt(arrays.length);
    for (float[] a : arrays) {
      b.putInt(a.length);
      for (float v : a) {
        b.putFloat(v);
      }
    }
    b.putDouble(rtol).putDouble(atol);
    bytes.writeBytes(b.array());
    records++;
  }

  /** Writes every case to {@code file}; returns the number of records. */
  int write(Path file) throws IOException {
    convolutions();
    pooling();
    batchNorm();
    Files.write(file, bytes.toByteArray());
    return records;
  }

  private void convolutions() {
    int i = 0;
    for (Conv c : CONV) {
      SplittableRandom rng = new SplittableRandom(31L * i + 5);
      float[] x = TestData.uniform(rng, c.x().size(), -1, 1);
      float[] w = TestData.uniform(rng, c.weight().size(), -1, 1);
      float[] bias = c.bias() ? TestData.uniform(rng, c.k(), -1, 1) : new float[0];
      Shape bs = Shape.row(Math.max(1, c.k()));
      float[][] fwd =
          run(
              ref,
              new Shape[] {c.x(), c.weight(), bs, c.out()},
              new float[][] {
                x, w, c.bias() ? bias : new float[bs.size()], TestData.nans(c.out().size())
              },
              t -> ref.conv2d(t[0], t[1], c.bias() ? t[2] : null, c.p(), t[3]));
      int terms = c.c() * c.kh() * c.kw();
      record(0, "conv2d " + c.name(), c.ints(), 1e-5, 1e-6 * terms, x, w, bias, fwd[3]);

      float[] go = TestData.uniform(rng, c.out().size(), -1, 1);
      float[][] bin =
          run(
              ref,
              new Shape[] {c.out(), c.weight(), c.x()},
              new float[][] {go, w, TestData.nans(c.x().size())},
              t -> ref.conv2dBackwardInput(t[0], t[1], c.p(), t[2]));
      record(
          1,
          "conv2dBackwardInput " + c.name(),
          c.ints(),
          1e-5,
          1e-6 * c.k() * c.kh() * c.kw(),
          go,
          w,
          bin[2]);

      // beta 0 over NaN (the prior gradient is ignored) and beta 1 (accumulation), alternately
      float beta = i % 2 == 0 ? 0f : 1f;
      float[] gw0 =
          beta == 0f
              ? TestData.nans(c.weight().size())
              : TestData.uniform(rng, c.weight().size(), -1, 1);
      float[] gb0 = beta == 0f ? TestData.nans(bs.size()) : TestData.uniform(rng, bs.size(), -1, 1);
      float[][] bw =
          run(
              ref,
              new Shape[] {c.x(), c.out(), c.weight(), bs},
              new float[][] {x, go, gw0, gb0},
              t -> ref.conv2dBackwardWeight(t[0], t[1], c.p(), beta, t[2], c.bias() ? t[3] : null));
      int wterms = c.out().size() / Math.max(1, c.k());
      record(
          2,
          "conv2dBackwardWeight beta=" + beta + " " + c.name(),
          c.ints(),
          1e-5,
          1e-6 * (wterms + 1),
          x,
          go,
          gw0,
          gb0,
          new float[] {beta},
          bw[2],
          bw[3]);
      i++;
    }
  }

  private void pooling() {
    int i = 0;
    for (Pool p : POOL) {
      SplittableRandom rng = new SplittableRandom(17L * i + 3);
      float[] x = TestData.uniform(rng, p.x().size(), -1, 1);
      float[][] mp =
          run(
              ref,
              new Shape[] {p.x(), p.out(), p.out()},
              new float[][] {x, TestData.nans(p.out().size()), TestData.nans(p.out().size())},
              t -> ref.maxPool2d(t[0], p.p(), t[1], t[2]));
      record(3, "maxPool2d " + p.name(), p.ints(), 0, 0, x, mp[1], mp[2]);
      float[] go = TestData.uniform(rng, p.out().size(), -1, 1);
      float[][] mb =
          run(
              ref,
              new Shape[] {p.out(), p.out(), p.x()},
              new float[][] {go, mp[2], TestData.nans(p.x().size())},
              t -> ref.maxPool2dBackward(t[0], t[1], t[2]));
      int[] d = {p.n(), p.c(), p.h(), p.w(), p.out().dim(2), p.out().dim(3)};
      record(4, "maxPool2dBackward " + p.name(), d, 1e-6, 1e-6, go, mp[2], mb[2]);
      float[][] ap =
          run(
              ref,
              new Shape[] {p.x(), p.out()},
              new float[][] {x, TestData.nans(p.out().size())},
              t -> ref.avgPool2d(t[0], p.p(), t[1]));
      record(5, "avgPool2d " + p.name(), p.ints(), 1e-6, 1e-7, x, ap[1]);
      float[][] ab =
          run(
              ref,
              new Shape[] {p.out(), p.x()},
              new float[][] {go, TestData.nans(p.x().size())},
              t -> ref.avgPool2dBackward(t[0], p.p(), t[1]));
      record(6, "avgPool2dBackward " + p.name(), p.ints(), 1e-6, 1e-7, go, ab[1]);
      i++;
    }
    // ties, a NaN after a larger value, -inf only, +inf (one 4x4 plane, 2x2 windows)
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    float[] x = {3, 3, 5, nan, 3, 3, 7, 1, -inf, -inf, 2, inf, -inf, -inf, inf, 2};
    record(
        3,
        "maxPool2d ties, NaN and infinities",
        new int[] {1, 1, 4, 4, 2, 2, 2, 2, 0, 0},
        0,
        0,
        x,
        new float[] {3, nan, -inf, inf},
        new float[] {0, 3, 8, 11});
    float[][] bad = {
      {0, 1, 2, 64}, {0, 1.5f, 2, 3}, {0, 1, -1, 3}, {nan, 0, 0, 0}, {15, 15, 0, 15}
    };
    float[] firstBad = {3, 1, 2, 0, 4};
    for (int j = 0; j < bad.length; j++) {
      record(
          12, "pool index check " + j, new int[] {4, 16}, 0, 0, bad[j], new float[] {firstBad[j]});
    }
    for (Shape s : GLOBAL_POOL) {
      SplittableRandom rng = new SplittableRandom(s.size());
      Shape o = Shape.matrix(s.dim(0), s.dim(1));
      float[] x2 = TestData.uniform(rng, s.size(), -1, 1);
      float[][] g =
          run(
              ref,
              new Shape[] {s, o},
              new float[][] {x2, TestData.nans(o.size())},
              t -> ref.globalAvgPool2d(t[0], t[1]));
      record(7, "globalAvgPool2d " + s, s.dims(), 1e-6, 1e-7, x2, g[1]);
      float[] go = TestData.uniform(rng, o.size(), -1, 1);
      float[][] gb =
          run(
              ref,
              new Shape[] {o, s},
              new float[][] {go, TestData.nans(s.size())},
              t -> ref.globalAvgPool2dBackward(t[0], t[1]));
      record(8, "globalAvgPool2dBackward " + s, s.dims(), 0, 0, go, gb[1]);
    }
  }

  private void batchNorm() {
    for (Shape x : BATCH_NORM) {
      int c = x.dim(1);
      SplittableRandom rng = new SplittableRandom(x.size() * 7L);
      Shape ch = Shape.row(c);
      float[] xs = TestData.uniform(rng, x.size(), -2, 3);
      float[] gamma = TestData.uniform(rng, c, 0.5, 1.5);
      float[] beta = TestData.uniform(rng, c, -1, 1);
      float[] rm = TestData.uniform(rng, c, -1, 1);
      float[] rv = TestData.uniform(rng, c, 0.5, 2);
      for (boolean running : new boolean[] {true, false}) {
        Shape[] s = {x, ch, ch, ch, ch, x, ch, ch};
        float[][] e =
            run(
                ref,
                s,
                new float[][] {
                  xs,
                  gamma,
                  beta,
                  rm,
                  rv,
                  TestData.nans(x.size()),
                  TestData.nans(c),
                  TestData.nans(c)
                },
                t ->
                    ref.batchNorm2dTraining(
                        t[0],
                        t[1],
                        t[2],
                        EPS,
                        MOMENTUM,
                        running ? t[3] : null,
                        running ? t[4] : null,
                        t[5],
                        t[6],
                        t[7]));
        int[] d = {x.dim(0), c, x.dim(2), x.dim(3), running ? 1 : 0};
        record(
            9,
            "batchNorm2dTraining " + x + (running ? "" : " without running statistics"),
            d,
            1e-5,
            1e-6,
            xs,
            gamma,
            beta,
            rm,
            rv,
            new float[] {EPS, MOMENTUM},
            e[5],
            e[6],
            e[7],
            e[3],
            e[4]);
      }
      float[][] inf =
          run(
              ref,
              new Shape[] {x, ch, ch, ch, ch, x},
              new float[][] {xs, gamma, beta, rm, rv, TestData.nans(x.size())},
              t -> ref.batchNorm2dInference(t[0], t[1], t[2], t[3], t[4], EPS, t[5]));
      record(
          10,
          "batchNorm2dInference " + x,
          x.dims(),
          1e-6,
          1e-6,
          xs,
          gamma,
          beta,
          rm,
          rv,
          new float[] {EPS},
          inf[5]);
      float[] go = TestData.uniform(rng, x.size(), -1, 1);
      float[] mean = TestData.uniform(rng, c, 0, 1);
      float[] invStd = TestData.uniform(rng, c, 0.5, 1.5);
      for (boolean batch : new boolean[] {true, false}) {
        float[][] e =
            run(
                ref,
                new Shape[] {x, x, ch, ch, ch, x, ch, ch},
                new float[][] {
                  xs,
                  go,
                  gamma,
                  mean,
                  invStd,
                  TestData.nans(x.size()),
                  TestData.nans(c),
                  TestData.nans(c)
                },
                t ->
                    ref.batchNorm2dBackward(t[0], t[1], t[2], t[3], t[4], batch, t[5], t[6], t[7]));
        int[] d = {x.dim(0), c, x.dim(2), x.dim(3), batch ? 1 : 0};
        record(
            11,
            "batchNorm2dBackward " + x + (batch ? " batch" : " fixed") + " statistics",
            d,
            1e-5,
            1e-5,
            xs,
            go,
            gamma,
            mean,
            invStd,
            e[5],
            e[6],
            e[7]);
      }
    }
  }
}
