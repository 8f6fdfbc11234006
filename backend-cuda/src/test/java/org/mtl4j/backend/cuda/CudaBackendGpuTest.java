package org.mtl4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.Availability;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.backend.cuda.tools.HpsModel;
import org.mtl4j.backend.cuda.tools.SyntheticFashion;

/**
 * Every CUDA primitive against the plain-Java {@link ReferenceBackend} on random data, plus the
 * CUDA-specific guarantees: deterministic reductions, bit-identical dropout masks, index checks,
 * and no {@code cuMemAlloc} in a steady-state training step. Skips with the probe's reason where
 * there is no usable GPU.
 */
class CudaBackendGpuTest {
  private static ComputeBackend gpu;
  private static ReferenceBackend ref;
  private final Random rnd = new Random(42);

  @BeforeAll
  static void open() {
    Availability a = new CudaBackendProvider().probe();
    if (!a.available()) {
      // JUnit reports a class aborted in @BeforeAll as 0 tests run, without the reason: say it
      System.err.println("CudaBackendGpuTest: every test skipped: cuda: " + a.reason());
    }
    assumeTrue(a.available(), "cuda backend unavailable: " + a.reason());
    gpu = new CudaBackendProvider().create(BackendOptions.defaults());
    ref = new ReferenceBackend();
    System.out.println("GPU: " + gpu.deviceDescription());
  }

  @AfterAll
  static void close() {
    if (gpu != null) {
      gpu.close();
      ref.close();
    }
  }

  private float[] random(int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (rnd.nextFloat() * 2 - 1) * scale;
    }
    return v;
  }

  /** The same values on both backends: [gpu tensor, reference tensor]. */
  private Tensor[] both(Shape s, float[] v) {
    return new Tensor[] {gpu.fromHost(s, v), ref.fromHost(s, v)};
  }

  static void assertClose(float[] exp, float[] act, double rel, double abs, String what) {
    assertEquals(exp.length, act.length, what + ": length");
    for (int i = 0; i < exp.length; i++) {
      float e = exp[i];
      float a = act[i];
      if (Float.isNaN(e) || Float.isNaN(a)) {
        assertTrue(Float.isNaN(e) && Float.isNaN(a), what + "[" + i + "]: " + e + " vs " + a);
      } else if (Float.isInfinite(e) || Float.isInfinite(a)) {
        assertEquals(e, a, what + "[" + i + "]");
      } else if (Math.abs(e - a) > abs + rel * Math.abs(e)) {
        fail(what + "[" + i + "]: expected " + e + " but got " + a);
      }
    }
  }

  private void same(Tensor g, Tensor r, double rel, double abs, String what) {
    assertClose(ref.toHost(r), gpu.toHost(g), rel, abs, what);
  }

  @Test
  void gemmMatchesReferenceForAllTransposesOddShapesAlphaBeta() {
    int[][] shapes = {
      {1, 1, 1},
      {7, 13, 5},
      {65, 129, 33},
      {256, 10, 256},
      {300, 257, 129},
      {3, 700, 2},
      {0, 4, 3},
      {5, 4, 0}
    };
    float[][] ab = {{1f, 0f}, {0.5f, -2f}};
    try (TensorScope s = gpu.openScope();
        TensorScope s2 = ref.openScope()) {
      for (int[] mnk : shapes) {
        for (int t = 0; t < 4; t++) {
          boolean ta = (t & 1) != 0;
          boolean tb = (t & 2) != 0;
          int m = mnk[0];
          int n = mnk[1];
          int k = mnk[2];
          Shape sa = ta ? Shape.matrix(k, m) : Shape.matrix(m, k);
          Shape sb = tb ? Shape.matrix(n, k) : Shape.matrix(k, n);
          Tensor[] a = both(sa, random(m * k, 1f));
          Tensor[] b = both(sb, random(k * n, 1f));
          for (float[] albe : ab) {
            float[] c0 = random(m * n, 1f);
            if (albe[1] == 0f && c0.length > 0) {
              c0[0] = Float.NaN; // beta == 0 ignores c
            }
            Tensor[] c = both(Shape.matrix(m, n), c0);
            gpu.gemm(ta, tb, albe[0], a[0], b[0], albe[1], c[0]);
            ref.gemm(ta, tb, albe[0], a[1], b[1], albe[1], c[1]);
            same(
                c[0],
                c[1],
                1e-4,
                1e-4 * Math.sqrt(k + 1),
                "gemm " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb + " ab=" + albe[0] + ","
                    + albe[1]);
          }
        }
      }
    }
  }

  @Test
  void largeGemmUsesTheBigTileAndMatches() {
    try (TensorScope s = gpu.openScope();
        TensorScope s2 = ref.openScope()) {
      int m = 1031;
      int n = 1025;
      int k = 257;
      Tensor[] a = both(Shape.matrix(m, k), random(m * k, 1f));
      Tensor[] b = both(Shape.matrix(n, k), random(n * k, 1f));
      Tensor[] c = both(Shape.matrix(m, n), new float[m * n]);
      gpu.gemm(false, true, 1f, a[0], b[0], 0f, c[0]);
      ref.gemm(false, true, 1f, a[1], b[1], 0f, c[1]);
      same(c[0], c[1], 1e-4, 1e-3, "gemm 1031x1025x257 NT");
    }
  }

  @Test
  void binaryOpsWithEveryBroadcastAndIeeeCases() {
    int rows = 37;
    int cols = 53;
    try (TensorScope s = gpu.openScope();
        TensorScope s2 = ref.openScope()) {
      float[] av = random(rows * cols, 3f);
      av[0] = Float.NaN;
      av[1] = 0f;
      av[2] = -0f;
      av[3] = Float.POSITIVE_INFINITY;
      Tensor[] a = both(Shape.matrix(rows, cols), av);
      Shape[] bs = {
        Shape.matrix(rows, cols), Shape.matrix(1, cols), Shape.matrix(rows, 1), Shape.matrix(1, 1)
      };
      for (Shape sb : bs) {
        float[] bv = random(sb.size(), 2f);
        bv[0] = -0f;
        Tensor[] b = both(sb, bv);
        for (BinaryOp op : BinaryOp.values()) {
          Tensor[] o = both(Shape.matrix(rows, cols), new float[rows * cols]);
          gpu.binary(op, a[0], b[0], o[0]);
          ref.binary(op, a[1], b[1], o[1]);
          float[] e = ref.toHost(o[1]);
          float[] g = gpu.toHost(o[0]);
          for (int i = 0; i < e.length; i++) {
            assertEquals(
                Float.floatToIntBits(e[i]),
                Float.floatToIntBits(g[i]),
                op + " " + sb + " [" + i + "]: " + e[i] + " vs " + g[i]);
          }
        }
      }
    }
  }

  @Test
  void unaryMapsAndDerivatives() {
    try (TensorScope s = gpu.openScope();
        TensorScope s2 = ref.openScope()) {
      for (UnaryOp op : UnaryOp.values()) {
        boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT;
        float[] xv = random(1000, 4f);
        for (int i = 0; i < xv.length; i++) {
          xv[i] = positive ? Math.abs(xv[i]) + 1e-3f : xv[i];
        }
        xv[7] = Float.NaN;
        Tensor[] x = both(Shape.matrix(10, 100), xv);
        Tensor[] y = both(Shape.matrix(10, 100), new float[1000]);
        gpu.unary(op, x[0], y[0]);
        ref.unary(op, x[1], y[1]);
        same(y[0], y[1], 2e-6, 1e-7, "unary " + op);
        Tensor[] go = both(Shape.matrix(10, 100), random(1000, 1f));
        Tensor[] gi = both(Shape.matrix(10, 100), new float[1000]);
        gpu.unaryBackward(op, x[0], y[0], go[0], gi[0]);
        ref.unaryBackward(op, x[1], y[1], go[1], gi[1]);
        same(gi[0], gi[1], 2e-6, 1e-7, "unaryBackward " + op);
      }
    }
  }

  @Test
  void reductionsSoftmaxAndArgmax() {
    try (TensorScope s = gpu.openScope();
        TensorScope s2 = ref.openScope()) {
      int[][] shapes = {{5000, 3}, {3, 5000}, {256, 512}, {1, 1}, {33, 65}};
      for (int[] rc : shapes) {
        Shape sh = Shape.matrix(rc[0], rc[1]);
        float[] xv = random(sh.size(), 5f);
        Tensor[] x = both(sh, xv);
        Tensor[] r = both(Shape.matrix(1, rc[1]), new float[rc[1]]);
        gpu.sumRows(x[0], r[0]);
        ref.sumRows(x[1], r[1]);
        same(r[0], r[1], 1e-6, 1e-5, "sumRows " + sh);
        Tensor[] c = both(Shape.matrix(rc[0], 1), new float[rc[0]]);
        gpu.sumCols(x[0], c[0]);
        ref.sumCols(x[1], c[1]);
        same(c[0], c[1], 1e-6, 1e-5, "sumCols " + sh);
        Tensor[] t = both(Shape.scalar(), new float[1]);
        gpu.sumAll(x[0], t[0]);
        ref.sumAll(x[1], t[1]);
        same(t[0], t[1], 1e-6, 1e-4, "sumAll " + sh);
        assertEquals(ref.dot(x[1], x[1]), gpu.dot(x[0], x[0]), 1e-9 * ref.dot(x[1], x[1]));
        assertEquals(ref.sumSquares(x[1]), gpu.sumSquares(x[0]), 1e-9 * ref.sumSquares(x[1]));
        gpu.argmaxRows(x[0], c[0]);
        ref.argmaxRows(x[1], c[1]);
        same(c[0], c[1], 0, 0, "argmaxRows " + sh);
        Tensor[] o = both(sh, new float[sh.size()]);
        gpu.softmaxRows(x[0], o[0]);
        ref.softmaxRows(x[1], o[1]);
        same(o[0], o[1], 1e-6, 1e-9, "softmaxRows " + sh);
        gpu.logSoftmaxRows(x[0], o[0]);
        ref.logSoftmaxRows(x[1], o[1]);
        same(o[0], o[1], 1e-6, 1e-6, "logSoftmaxRows " + sh);
      }
      float inf = Float.POSITIVE_INFINITY;
      float nan = Float.NaN;
      float[] special = {1, 3, 3, 0, nan, 2, nan, 1, -inf, -inf, -inf, -inf, 0, -0f, 0, -1};
      Tensor[] x = both(Shape.matrix(4, 4), special);
      Tensor[] c = both(Shape.matrix(4, 1), new float[4]);
      gpu.argmaxRows(x[0], c[0]);
      ref.argmaxRows(x[1], c[1]);
      same(c[0], c[1], 0, 0, "argmax ties and NaN");
      assertArrayEquals(new float[] {1, 0, 0, 0}, gpu.toHost(c[0]));
      Tensor[] o = both(Shape.matrix(4, 4), new float[16]);
      gpu.logSoftmaxRows(x[0], o[0]);
      ref.logSoftmaxRows(x[1], o[1]);
      same(o[0], o[1], 1e-6, 1e-6, "logSoftmax NaN and -inf rows");
    }
  }

  @Test
  void reductionsAreDeterministic() {
    try (TensorScope s = gpu.openScope()) {
      Tensor x = gpu.fromHost(Shape.matrix(1000, 1000), random(1_000_000, 1f));
      Tensor t = gpu.zeros(Shape.scalar());
      Tensor r = gpu.zeros(Shape.matrix(1, 1000));
      gpu.sumAll(x, t);
      gpu.sumRows(x, r);
      float first = gpu.scalar(t);
      float[] firstRows = gpu.toHost(r);
      double d = gpu.dot(x, x);
      for (int i = 0; i < 5; i++) {
        gpu.sumAll(x, t);
        gpu.sumRows(x, r);
        assertEquals(Float.floatToIntBits(first), Float.floatToIntBits(gpu.scalar(t)));
        assertArrayEquals(firstRows, gpu.toHost(r));
        assertEquals(Double.doubleToLongBits(d), Double.doubleToLongBits(gpu.dot(x, x)));
      }
    }
  }

  @Test
  void fusedLossesWithMasks() {
    try (TensorScope s = gpu.openScope();
        TensorScope s2 = ref.openScope()) {
      int n = 300;
      int k = 10;
      Tensor[] z = both(Shape.matrix(n, k), random(n * k, 6f));
      float[] yv = new float[n];
      float[] mv = new float[n];
      for (int i = 0; i < n; i++) {
        yv[i] = rnd.nextInt(k);
        mv[i] = rnd.nextInt(3) == 0 ? 0 : 1;
      }
      yv[3] = 99; // masked-out rows may hold anything
      mv[3] = 0;
      Tensor[] y = both(Shape.column(n), yv);
      Tensor[] m = both(Shape.column(n), mv);
      for (boolean masked : new boolean[] {true, false}) {
        if (!masked) {
          yv[3] = 1;
          y = both(Shape.column(n), yv);
        }
        Tensor[] l = both(Shape.scalar(), new float[1]);
        Tensor[] g = both(Shape.matrix(n, k), new float[n * k]);
        gpu.softmaxCrossEntropy(z[0], y[0], masked ? m[0] : null, l[0], g[0]);
        ref.softmaxCrossEntropy(z[1], y[1], masked ? m[1] : null, l[1], g[1]);
        same(l[0], l[1], 1e-6, 1e-7, "CE loss masked=" + masked);
        same(g[0], g[1], 1e-5, 1e-9, "CE grad masked=" + masked);
      }
      Tensor[] zeroMask = both(Shape.column(n), new float[n]);
      Tensor[] l = both(Shape.scalar(), new float[] {5f});
      gpu.softmaxCrossEntropy(z[0], y[0], zeroMask[0], l[0], null);
      assertEquals(0f, gpu.scalar(l[0]));
      float[] bad = yv.clone();
      bad[5] = 10;
      Tensor badLabels = gpu.fromHost(Shape.column(n), bad);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> gpu.softmaxCrossEntropy(z[0], badLabels, null, l[0], null));
      assertTrue(e.getMessage().contains("row 5"), e.getMessage());

      Tensor[] t = both(Shape.matrix(n, 3), random(n * 3, 1f));
      Tensor[] x = both(Shape.matrix(n, 3), random(n * 3, 8f));
      float[] same = new float[n * 3];
      for (int i = 0; i < same.length; i++) {
        same[i] = rnd.nextBoolean() ? 1 : 0;
      }
      Tensor[][] masks = {null, both(Shape.matrix(n, 3), same), m};
      for (Tensor[] mk : masks) {
        for (int kind = 0; kind < 2; kind++) {
          Tensor[] lo = both(Shape.scalar(), new float[1]);
          Tensor[] gr = both(Shape.matrix(n, 3), new float[n * 3]);
          if (kind == 0) {
            gpu.bceWithLogits(x[0], t[0], mk == null ? null : mk[0], lo[0], gr[0]);
            ref.bceWithLogits(x[1], t[1], mk == null ? null : mk[1], lo[1], gr[1]);
          } else {
            gpu.mse(x[0], t[0], mk == null ? null : mk[0], lo[0], gr[0]);
            ref.mse(x[1], t[1], mk == null ? null : mk[1], lo[1], gr[1]);
          }
          String what =
              (kind == 0 ? "bce" : "mse") + " mask " + (mk == null ? "none" : mk[0].shape());
          same(lo[0], lo[1], 1e-6, 1e-7, what + " loss");
          same(gr[0], gr[1], 1e-5, 1e-9, what + " grad");
        }
      }
    }
  }

  @Test
  void elementwiseCopiesAndAxpby() {
    try (TensorScope s = gpu.openScope();
        TensorScope s2 = ref.openScope()) {
      Tensor[] x = both(Shape.matrix(17, 9), random(153, 1f));
      float[] yv = random(153, 1f);
      yv[4] = Float.NaN;
      Tensor[] y = both(Shape.matrix(17, 9), yv);
      gpu.axpby(2f, x[0], 0f, y[0]);
      ref.axpby(2f, x[1], 0f, y[1]);
      same(y[0], y[1], 0, 0, "axpby beta 0 ignores NaN");
      gpu.axpby(-0.5f, x[0], 3f, y[0]);
      ref.axpby(-0.5f, x[1], 3f, y[1]);
      same(y[0], y[1], 0, 0, "axpby");
      gpu.affine(x[0], 1.5f, -2f, y[0]);
      ref.affine(x[1], 1.5f, -2f, y[1]);
      same(y[0], y[1], 0, 0, "affine");
      Tensor[] d = both(Shape.matrix(17, 12), new float[17 * 12]);
      gpu.fill(d[0], 0.25f);
      ref.fill(d[1], 0.25f);
      gpu.copyColumns(x[0], 2, d[0], 5, 6);
      ref.copyColumns(x[1], 2, d[1], 5, 6);
      same(d[0], d[1], 0, 0, "copyColumns");
      gpu.copy(x[0], y[0]);
      assertArrayEquals(ref.toHost(x[1]), gpu.toHost(y[0]));
    }
  }

  @Test
  void gatherScatterAndIndexChecks() {
    try (TensorScope s = gpu.openScope();
        TensorScope s2 = ref.openScope()) {
      Tensor[] table = both(Shape.matrix(20, 7), random(140, 1f));
      float[] iv = {3, 0, 3, 19, 7, 3};
      Tensor[] idx = both(Shape.column(6), iv);
      Tensor[] out = both(Shape.matrix(6, 7), new float[42]);
      gpu.gatherRows(table[0], idx[0], out[0]);
      ref.gatherRows(table[1], idx[1], out[1]);
      same(out[0], out[1], 0, 0, "gatherRows");
      Tensor[] src = both(Shape.matrix(6, 7), random(42, 1f));
      gpu.scatterAddRows(src[0], idx[0], table[0]);
      ref.scatterAddRows(src[1], idx[1], table[1]);
      same(table[0], table[1], 0, 0, "scatterAddRows with repeats");
      // indices computed on the device (no host copy) are checked too
      Tensor devIdx = gpu.zeros(Shape.column(6));
      gpu.affine(idx[0], 1f, 1f, devIdx); // 4, 1, 4, 20 (out of range), ...
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> gpu.gatherRows(table[0], devIdx, out[0]));
      assertTrue(e.getMessage().contains("20") && e.getMessage().contains("row 3"), e.getMessage());
      Tensor frac = gpu.fromHost(Shape.column(6), new float[] {0, 1, 2.5f, 0, 0, 0});
      e =
          assertThrows(
              IllegalArgumentException.class, () -> gpu.scatterAddRows(src[0], frac, table[0]));
      assertTrue(e.getMessage().contains("row 2"), e.getMessage());
    }
  }

  @Test
  void dropoutMasksEqualTheCounterRngBitForBit() {
    try (TensorScope s = gpu.openScope();
        TensorScope s2 = ref.openScope()) {
      for (long seed : new long[] {0L, 1L, -7L, 0x9E3779B97F4A7C15L, Long.MIN_VALUE}) {
        for (float p : new float[] {0f, 0.1f, 0.5f, 0.9f}) {
          Tensor[] m = both(Shape.matrix(123, 77), new float[123 * 77]);
          gpu.dropoutMask(seed, p, m[0]);
          ref.dropoutMask(seed, p, m[1]);
          assertArrayEquals(ref.toHost(m[1]), gpu.toHost(m[0]), "seed " + seed + " p " + p);
        }
      }
    }
  }

  @Test
  void optimiserStepsMatchTheReference() {
    try (TensorScope s = gpu.openScope();
        TensorScope s2 = ref.openScope()) {
      int n = 1000;
      Tensor[] p = both(Shape.matrix(10, 100), random(n, 1f));
      Tensor[] g = both(Shape.matrix(10, 100), random(n, 1f));
      Tensor[] v = both(Shape.matrix(10, 100), new float[n]);
      for (int step = 0; step < 3; step++) {
        gpu.sgdStep(p[0], g[0], v[0], 0.1f, 0.9f, 0.01f, step == 2);
        ref.sgdStep(p[1], g[1], v[1], 0.1f, 0.9f, 0.01f, step == 2);
      }
      same(p[0], p[1], 0, 0, "sgd param");
      same(v[0], v[1], 0, 0, "sgd velocity");
      Tensor[] m = both(Shape.matrix(10, 100), new float[n]);
      Tensor[] v2 = both(Shape.matrix(10, 100), new float[n]);
      for (int step = 1; step <= 3; step++) {
        gpu.adamStep(p[0], g[0], m[0], v2[0], 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step == 3, step);
        ref.adamStep(p[1], g[1], m[1], v2[1], 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, step == 3, step);
      }
      same(p[0], p[1], 1e-7, 0, "adam param");
      same(m[0], m[1], 1e-7, 0, "adam m");
      same(v2[0], v2[1], 1e-7, 0, "adam v");

      List<Tensor> gp = new ArrayList<>();
      List<Tensor> gg = new ArrayList<>();
      List<Tensor> gm = new ArrayList<>();
      List<Tensor> gv = new ArrayList<>();
      List<Tensor[]> rp = new ArrayList<>();
      int[] sizes = {1, 513, 64, 10000};
      float[] lrs = {1e-3f, 2e-3f, 5e-4f, 1e-2f};
      for (int size : sizes) {
        Tensor[] pp = both(Shape.row(size), random(size, 1f));
        Tensor[] gr = both(Shape.row(size), random(size, 1f));
        Tensor[] mm = both(Shape.row(size), new float[size]);
        Tensor[] vv = both(Shape.row(size), new float[size]);
        gp.add(pp[0]);
        gg.add(gr[0]);
        gm.add(mm[0]);
        gv.add(vv[0]);
        rp.add(new Tensor[] {pp[1], gr[1], mm[1], vv[1]});
      }
      for (int step = 1; step <= 4; step++) {
        gpu.adamStepAll(gp, gg, gm, gv, lrs, 0.9f, 0.999f, 1e-8f, 0f, false, step);
        for (int i = 0; i < sizes.length; i++) {
          Tensor[] r = rp.get(i);
          ref.adamStep(r[0], r[1], r[2], r[3], lrs[i], 0.9f, 0.999f, 1e-8f, 0f, false, step);
        }
      }
      for (int i = 0; i < sizes.length; i++) {
        same(gp.get(i), rp.get(i)[0], 1e-7, 0, "adamStepAll param " + i);
      }
    }
  }

  @Test
  void foreignAndClosedTensorsAreRejected() {
    Tensor r = ref.zeros(Shape.matrix(2, 2));
    Tensor g = gpu.zeros(Shape.matrix(2, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpu.copy(r, g));
    assertTrue(e.getMessage().contains("reference"), e.getMessage());
    g.close();
    assertThrows(IllegalStateException.class, () -> gpu.fill(g, 1f));
    r.close();
  }

  @Test
  void steadyStateTrainingStepsCallCuMemAllocZeroTimes() {
    SyntheticFashion data = new SyntheticFashion(512, 11L);
    try (HpsModel model = new HpsModel(gpu, 5L)) {
      for (int i = 0; i < 3; i++) {
        model.trainStep(data, i, 256, false);
      }
      long before = gpu.memoryStats().systemAllocations();
      long liveBefore = gpu.memoryStats().liveTensors();
      for (int i = 0; i < 10; i++) {
        model.trainStep(data, i, 256, false);
      }
      assertEquals(before, gpu.memoryStats().systemAllocations(), "cuMemAlloc calls in 10 steps");
      assertEquals(liveBefore, gpu.memoryStats().liveTensors(), "tensors leaked by 10 steps");
      float loss = model.trainStep(data, 0, 256, true);
      assertTrue(Float.isFinite(loss) && loss > 0, "loss " + loss);
    }
  }
}
