package org.mtl4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.mtl4j.backend.cuda.CudaBackendGpuTest.assertClose;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.Availability;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.testing.TestData;
import org.mtl4j.backend.cuda.ImageEmulationCases.Conv;
import org.mtl4j.backend.cuda.ImageEmulationCases.Pool;

/**
 * The image primitives of the CUDA backend against {@link ReferenceBackend} on the cases of {@link
 * ImageEmulationCases} (the contract's geometries), plus what only a device shows: the chunk loop
 * of the convolution over a small workspace, adjoint (gradient) identities of convolution and
 * pooling, determinism, index checks, and no {@code cuMemAlloc} in a steady-state LeNet step. Skips
 * with the probe's reason where there is no usable GPU.
 */
class CudaImageGpuTest {
  private static CudaBackend gpu;
  private static ReferenceBackend ref;

  @BeforeAll
  static void open() {
    Availability a = new CudaBackendProvider().probe();
    if (!a.available()) {
      System.err.println("CudaImageGpuTest: every test skipped: cuda: " + a.reason());
    }
    assumeTrue(a.available(), "cuda backend unavailable: " + a.reason());
    gpu = (CudaBackend) new CudaBackendProvider().create(BackendOptions.defaults());
    ref = new ReferenceBackend();
  }

  @AfterAll
  static void close() {
    if (gpu != null) {
      gpu.close();
      ref.close();
    }
  }

  /** Runs {@code body} on both backends from the same values; returns [reference, gpu]. */
  private static float[][][] both(Shape[] shapes, float[][] init, Consumer<Tensor[]>[] bodies) {
    return new float[][][] {
      ImageEmulationCases.run(ref, shapes, init, bodies[0]),
      ImageEmulationCases.run(gpu, shapes, init, bodies[1])
    };
  }

  @SuppressWarnings("unchecked")
  private static Consumer<Tensor[]>[] on(
      java.util.function.BiConsumer<ComputeBackend, Tensor[]> f) {
    return new Consumer[] {
      (Consumer<Tensor[]>) t -> f.accept(ref, t), (Consumer<Tensor[]>) t -> f.accept(gpu, t)
    };
  }

  private static void convCase(Conv c, CudaImageOps ops, String tag) {
    SplittableRandom rng = new SplittableRandom(c.hashCode());
    Shape bs = Shape.row(c.k());
    float[] x = TestData.uniform(rng, c.x().size(), -1, 1);
    float[] w = TestData.uniform(rng, c.weight().size(), -1, 1);
    float[] b = TestData.uniform(rng, c.k(), -1, 1);
    float[] go = TestData.uniform(rng, c.out().size(), -1, 1);
    Shape[] s = {c.x(), c.weight(), bs, c.out()};
    float[][] init = {x, w, b, TestData.nans(c.out().size())};
    float[][] r =
        ImageEmulationCases.run(
            ref, s, init, t -> ref.conv2d(t[0], t[1], c.bias() ? t[2] : null, c.p(), t[3]));
    float[][] g =
        ImageEmulationCases.run(
            gpu, s, init, t -> ops.conv2d(t[0], t[1], c.bias() ? t[2] : null, c.p(), t[3]));
    String what = tag + " " + c.name();
    assertClose(r[3], g[3], 1e-5, 1e-6 * c.c() * c.kh() * c.kw(), "conv2d " + what);

    Shape[] sb = {c.out(), c.weight(), c.x()};
    float[][] ib = {go, w, TestData.nans(c.x().size())};
    r = ImageEmulationCases.run(ref, sb, ib, t -> ref.conv2dBackwardInput(t[0], t[1], c.p(), t[2]));
    g = ImageEmulationCases.run(gpu, sb, ib, t -> ops.conv2dBackwardInput(t[0], t[1], c.p(), t[2]));
    assertClose(r[2], g[2], 1e-5, 1e-6 * c.k() * c.kh() * c.kw(), "conv2dBackwardInput " + what);

    int terms = c.out().size() / c.k() + 1;
    for (float beta : new float[] {0f, 1f}) {
      Shape[] sw = {c.x(), c.out(), c.weight(), bs};
      float[][] iw = {
        x,
        go,
        beta == 0f
            ? TestData.nans(c.weight().size())
            : TestData.uniform(rng, c.weight().size(), -1, 1),
        beta == 0f ? TestData.nans(c.k()) : TestData.uniform(rng, c.k(), -1, 1)
      };
      r =
          ImageEmulationCases.run(
              ref, sw, iw, t -> ref.conv2dBackwardWeight(t[0], t[1], c.p(), beta, t[2], t[3]));
      g =
          ImageEmulationCases.run(
              gpu, sw, iw, t -> ops.conv2dBackwardWeight(t[0], t[1], c.p(), beta, t[2], t[3]));
      assertClose(r[2], g[2], 1e-5, 1e-6 * terms, "conv2dBackwardWeight beta " + beta + " " + what);
      assertClose(r[3], g[3], 1e-5, 1e-6 * terms, "conv2d bias gradient beta " + beta + " " + what);
    }
  }

  @Test
  void convolutionMatchesTheReferenceOnEveryContractGeometry() {
    for (Conv c : ImageEmulationCases.CONV) {
      convCase(c, gpu.imageOps(), "");
    }
  }

  @Test
  void convolutionChunkLoopMatchesTheReference() {
    // a workspace of about one image's im2col: every batch runs as several chunks
    for (Conv c : ImageEmulationCases.CONV) {
      long perImage = ((long) c.c() * c.kh() * c.kw() + c.k()) * c.out().dim(2) * c.out().dim(3);
      convCase(c, gpu.imageOps().withWorkspaceFloats(perImage * 2 - 1), "chunked");
    }
  }

  @Test
  void poolingMatchesTheReference() {
    for (Pool p : ImageEmulationCases.POOL) {
      SplittableRandom rng = new SplittableRandom(p.hashCode());
      float[] x = TestData.uniform(rng, p.x().size(), -1, 1);
      float[] go = TestData.uniform(rng, p.out().size(), -1, 1);
      Shape[] s = {p.x(), p.out(), p.out()};
      float[][] init = {x, TestData.nans(p.out().size()), TestData.nans(p.out().size())};
      float[][][] mp = both(s, init, on((b, t) -> b.maxPool2d(t[0], p.p(), t[1], t[2])));
      assertArrayEquals(mp[0][1], mp[1][1], "maxPool2d out " + p);
      assertArrayEquals(mp[0][2], mp[1][2], "maxPool2d indices " + p);
      Shape[] sb = {p.out(), p.out(), p.x()};
      float[][] ib = {go, mp[0][2], TestData.nans(p.x().size())};
      float[][][] mb = both(sb, ib, on((b, t) -> b.maxPool2dBackward(t[0], t[1], t[2])));
      assertClose(mb[0][2], mb[1][2], 1e-6, 1e-6, "maxPool2dBackward " + p);
      // indices straight from the GPU's forward (no device check) give the same gradient
      float[][] chained =
          ImageEmulationCases.run(
              gpu,
              new Shape[] {p.x(), p.out(), p.out(), p.out(), p.x()},
              new float[][] {x, init[1], init[2], go, TestData.nans(p.x().size())},
              t -> {
                gpu.maxPool2d(t[0], p.p(), t[1], t[2]);
                gpu.maxPool2dBackward(t[3], t[2], t[4]);
              });
      assertArrayEquals(mb[1][2], chained[4], "maxPool2d -> backward on the GPU " + p);
      float[][][] ap =
          both(
              new Shape[] {p.x(), p.out()},
              new float[][] {x, TestData.nans(p.out().size())},
              on((b, t) -> b.avgPool2d(t[0], p.p(), t[1])));
      assertClose(ap[0][1], ap[1][1], 1e-6, 1e-7, "avgPool2d " + p);
      float[][][] ab =
          both(
              new Shape[] {p.out(), p.x()},
              new float[][] {go, TestData.nans(p.x().size())},
              on((b, t) -> b.avgPool2dBackward(t[0], p.p(), t[1])));
      assertClose(ab[0][1], ab[1][1], 1e-6, 1e-7, "avgPool2dBackward " + p);
    }
    for (Shape x : ImageEmulationCases.GLOBAL_POOL) {
      SplittableRandom rng = new SplittableRandom(x.size());
      Shape o = Shape.matrix(x.dim(0), x.dim(1));
      float[][][] g =
          both(
              new Shape[] {x, o},
              new float[][] {TestData.uniform(rng, x.size(), -1, 1), TestData.nans(o.size())},
              on((b, t) -> b.globalAvgPool2d(t[0], t[1])));
      assertClose(g[0][1], g[1][1], 1e-6, 1e-7, "globalAvgPool2d " + x);
      float[][][] gb =
          both(
              new Shape[] {o, x},
              new float[][] {TestData.uniform(rng, o.size(), -1, 1), TestData.nans(x.size())},
              on((b, t) -> b.globalAvgPool2dBackward(t[0], t[1])));
      assertArrayEquals(gb[0][1], gb[1][1], "globalAvgPool2dBackward " + x);
    }
  }

  @Test
  void maxPoolSpecialsAndIndexChecks() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    float[] x = {3, 3, 5, nan, 3, 3, 7, 1, -inf, -inf, 2, inf, -inf, -inf, inf, 2};
    float[][] out =
        ImageEmulationCases.run(
            gpu,
            new Shape[] {Shape.of(1, 1, 4, 4), Shape.of(1, 1, 2, 2), Shape.of(1, 1, 2, 2)},
            new float[][] {x, TestData.nans(4), TestData.nans(4)},
            t -> gpu.maxPool2d(t[0], Pool2dParams.of(2), t[1], t[2]));
    assertArrayEquals(new float[] {3, nan, -inf, inf}, out[1]);
    assertArrayEquals(new float[] {0, 3, 8, 11}, out[2]);
    try (TensorScope s = gpu.openScope()) {
      Tensor go = gpu.zeros(Shape.of(2, 3, 4, 4));
      Tensor gi = gpu.zeros(Shape.of(2, 3, 8, 8));
      Tensor idx = gpu.zeros(Shape.of(2, 3, 4, 4));
      gpu.fill(idx, 64f); // device-written: checked on the device
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> gpu.maxPool2dBackward(go, idx, gi));
      assertTrue(
          e.getMessage().contains("maxPool2dBackward") && e.getMessage().contains("64"),
          e.getMessage());
      float[] v = new float[96];
      v[37] = 2.5f;
      gpu.upload(v, idx);
      e = assertThrows(IllegalArgumentException.class, () -> gpu.maxPool2dBackward(go, idx, gi));
      assertTrue(
          e.getMessage().contains("2.5") && e.getMessage().contains("row 37"), e.getMessage());
      v[37] = 63f;
      gpu.upload(v, idx);
      gpu.maxPool2dBackward(go, idx, gi);
      Tensor w = gpu.zeros(Shape.of(4, 3, 3, 3));
      Tensor o = gpu.zeros(Shape.of(2, 4, 6, 6));
      assertThrows(
          IllegalArgumentException.class,
          () -> gpu.conv2d(gi, w, null, Conv2dParams.DEFAULT, gpu.zeros(Shape.of(2, 4, 8, 8))));
      gpu.conv2d(gi, w, null, Conv2dParams.DEFAULT, o);
    }
  }

  @Test
  void batchNormMatchesTheReference() {
    float eps = ImageEmulationCases.EPS;
    float momentum = ImageEmulationCases.MOMENTUM;
    for (Shape x : ImageEmulationCases.BATCH_NORM) {
      int c = x.dim(1);
      Shape ch = Shape.row(c);
      SplittableRandom rng = new SplittableRandom(x.size());
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
      Shape[] s = {x, ch, ch, ch, ch, x, ch, ch};
      float[][][] tr =
          both(
              s,
              init,
              on(
                  (b, t) ->
                      b.batchNorm2dTraining(
                          t[0], t[1], t[2], eps, momentum, t[3], t[4], t[5], t[6], t[7])));
      for (int i = 3; i < 8; i++) {
        assertClose(tr[0][i], tr[1][i], 1e-5, 1e-6, "batchNorm2dTraining " + x + " output " + i);
      }
      float[][] inPlace =
          ImageEmulationCases.run(
              gpu,
              s,
              init,
              t ->
                  gpu.batchNorm2dTraining(
                      t[0], t[1], t[2], eps, momentum, null, null, t[0], t[6], t[7]));
      assertClose(tr[0][5], inPlace[0], 1e-5, 1e-6, "batchNorm2dTraining in place " + x);
      assertArrayEquals(init[3], inPlace[3], "no running statistics: left alone");
      float[][][] inf =
          both(
              s,
              init,
              on((b, t) -> b.batchNorm2dInference(t[0], t[1], t[2], t[3], t[4], eps, t[5])));
      assertClose(inf[0][5], inf[1][5], 1e-6, 1e-6, "batchNorm2dInference " + x);
      float[][] binit = {
        init[0],
        TestData.uniform(rng, x.size(), -1, 1),
        init[1],
        tr[0][6],
        tr[0][7],
        TestData.nans(x.size()),
        TestData.nans(c),
        TestData.nans(c)
      };
      Shape[] bs = {x, x, ch, ch, ch, x, ch, ch};
      for (boolean batch : new boolean[] {true, false}) {
        float[][][] bw =
            both(
                bs,
                binit,
                on(
                    (b, t) ->
                        b.batchNorm2dBackward(
                            t[0], t[1], t[2], t[3], t[4], batch, t[5], t[6], t[7])));
        for (int i = 5; i < 8; i++) {
          assertClose(
              bw[0][i],
              bw[1][i],
              1e-5,
              1e-5,
              "batchNorm2dBackward " + x + " " + batch + " output " + i);
        }
        float[][] partial =
            ImageEmulationCases.run(
                gpu,
                bs,
                binit,
                t ->
                    gpu.batchNorm2dBackward(t[0], t[1], t[2], t[3], t[4], batch, null, t[6], null));
        assertArrayEquals(binit[5], partial[5], "null gradIn: left alone");
        assertArrayEquals(bw[1][6], partial[6], "gradGamma alone");
      }
    }
  }

  /** The gradients are the adjoints: {@code <conv(x, w), g> = <x, dX(g)> = <w, dW(x, g)>}. */
  @Test
  void convolutionAndPoolingGradientsAreAdjoints() {
    for (Conv c : ImageEmulationCases.CONV) {
      SplittableRandom rng = new SplittableRandom(c.hashCode() + 9);
      try (TensorScope s = gpu.openScope()) {
        Tensor x = gpu.fromHost(c.x(), TestData.uniform(rng, c.x().size(), -1, 1));
        Tensor w = gpu.fromHost(c.weight(), TestData.uniform(rng, c.weight().size(), -1, 1));
        Tensor g = gpu.fromHost(c.out(), TestData.uniform(rng, c.out().size(), -1, 1));
        Tensor y = gpu.allocate(c.out());
        Tensor dx = gpu.allocate(c.x());
        Tensor dw = gpu.allocate(c.weight());
        gpu.conv2d(x, w, null, c.p(), y);
        gpu.conv2dBackwardInput(g, w, c.p(), dx);
        gpu.conv2dBackwardWeight(x, g, c.p(), 0f, dw, null);
        double yg = gpu.dot(y, g);
        double tol = 1e-5 * Math.sqrt(c.out().size() * (double) c.c() * c.kh() * c.kw()) + 1e-6;
        assertEquals(yg, gpu.dot(x, dx), tol * 10, "<conv(x), g> = <x, dX g> " + c.name());
        assertEquals(yg, gpu.dot(w, dw), tol * 10, "<conv(x), g> = <w, dW(x, g)> " + c.name());
      }
    }
    for (Pool p : ImageEmulationCases.POOL) {
      SplittableRandom rng = new SplittableRandom(p.hashCode() + 9);
      try (TensorScope s = gpu.openScope()) {
        Tensor x = gpu.fromHost(p.x(), TestData.uniform(rng, p.x().size(), -1, 1));
        Tensor g = gpu.fromHost(p.out(), TestData.uniform(rng, p.out().size(), -1, 1));
        Tensor y = gpu.allocate(p.out());
        Tensor dx = gpu.allocate(p.x());
        gpu.avgPool2d(x, p.p(), y);
        gpu.avgPool2dBackward(g, p.p(), dx);
        assertEquals(gpu.dot(y, g), gpu.dot(x, dx), 1e-5, "avg pool adjoint " + p.name());
      }
    }
  }

  @Test
  void imagePrimitivesAreDeterministicAndStopAllocating() {
    // LeNet (Sener and Koltun's MultiMNIST shape) on 36x36 inputs, batch 64: conv 1->10 5x5,
    // pool 2, conv 10->20 5x5, pool 2, batch norm on the second block
    Conv c1 = new Conv("c1", 64, 1, 36, 36, 10, 5, 5, Conv2dParams.DEFAULT, true, 64);
    Conv c2 = new Conv("c2", 64, 10, 16, 16, 20, 5, 5, Conv2dParams.DEFAULT, true, 64);
    Pool2dParams pool = Pool2dParams.of(2);
    SplittableRandom rng = new SplittableRandom(3);
    try (TensorScope s = gpu.openScope()) {
      Tensor x = gpu.fromHost(c1.x(), TestData.uniform(rng, c1.x().size(), -1, 1));
      Tensor w1 = gpu.fromHost(c1.weight(), TestData.uniform(rng, c1.weight().size(), -0.2, 0.2));
      Tensor b1 = gpu.fromHost(Shape.row(10), TestData.uniform(rng, 10, -0.1, 0.1));
      Tensor w2 = gpu.fromHost(c2.weight(), TestData.uniform(rng, c2.weight().size(), -0.1, 0.1));
      Tensor b2 = gpu.fromHost(Shape.row(20), TestData.uniform(rng, 20, -0.1, 0.1));
      Tensor gamma = gpu.fromHost(Shape.row(20), TestData.filled(20, 1f));
      Tensor beta = gpu.zeros(Shape.row(20));
      Tensor rm = gpu.zeros(Shape.row(20));
      Tensor rv = gpu.fromHost(Shape.row(20), TestData.filled(20, 1f));
      Tensor[] grads = {
        gpu.allocate(c1.weight()),
        gpu.allocate(Shape.row(10)),
        gpu.allocate(c2.weight()),
        gpu.allocate(Shape.row(20))
      };
      float[][] first = null;
      long allocations = 0;
      for (int step = 0; step < 4; step++) {
        if (step == 2) {
          gpu.synchronize();
          allocations = gpu.memoryStats().systemAllocations();
        }
        try (TensorScope st = gpu.openScope()) {
          Tensor y1 = gpu.allocate(c1.out());
          gpu.conv2d(x, w1, b1, c1.p(), y1);
          Tensor p1 = gpu.allocate(c2.x());
          Tensor i1 = gpu.allocate(c2.x());
          gpu.maxPool2d(y1, pool, p1, i1);
          Tensor y2 = gpu.allocate(c2.out());
          gpu.conv2d(p1, w2, b2, c2.p(), y2);
          Tensor mean = gpu.allocate(Shape.row(20));
          Tensor inv = gpu.allocate(Shape.row(20));
          Tensor n2 = gpu.allocate(c2.out());
          gpu.batchNorm2dTraining(y2, gamma, beta, 1e-5f, 0.1f, rm, rv, n2, mean, inv);
          Shape ps = Shape.of(64, 20, 6, 6);
          Tensor p2 = gpu.allocate(ps);
          Tensor i2 = gpu.allocate(ps);
          gpu.maxPool2d(n2, pool, p2, i2);
          // backward of sum(p2)
          Tensor gp2 = gpu.fromHost(ps, TestData.filled(ps.size(), 1f));
          Tensor gn2 = gpu.allocate(c2.out());
          gpu.maxPool2dBackward(gp2, i2, gn2);
          Tensor gy2 = gpu.allocate(c2.out());
          gpu.batchNorm2dBackward(y2, gn2, gamma, mean, inv, true, gy2, null, null);
          gpu.conv2dBackwardWeight(p1, gy2, c2.p(), 0f, grads[2], grads[3]);
          Tensor gp1 = gpu.allocate(c2.x());
          gpu.conv2dBackwardInput(gy2, w2, c2.p(), gp1);
          Tensor gy1 = gpu.allocate(c1.out());
          gpu.maxPool2dBackward(gp1, i1, gy1);
          gpu.conv2dBackwardWeight(x, gy1, c1.p(), 0f, grads[0], grads[1]);
          float[][] now = new float[grads.length][];
          for (int i = 0; i < grads.length; i++) {
            now[i] = gpu.toHost(grads[i]);
          }
          if (first == null) {
            first = now;
          } else {
            for (int i = 0; i < grads.length; i++) {
              assertArrayEquals(
                  first[i], now[i], "gradient " + i + " bit-identical at step " + step);
            }
          }
        }
      }
      gpu.synchronize();
      assertEquals(
          allocations, gpu.memoryStats().systemAllocations(), "cuMemAlloc calls in steps 3 and 4");
    }
  }
}
