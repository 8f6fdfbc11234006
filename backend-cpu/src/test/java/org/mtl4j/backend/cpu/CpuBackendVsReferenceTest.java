package org.mtl4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.testing.ReferenceBackend;

/**
 * Every CPU primitive against the plain-Java {@link ReferenceBackend} on odd shapes, and the
 * CPU-specific behaviour (gemm ignoring NaN in c with beta 0, misuse messages).
 */
class CpuBackendVsReferenceTest {
  private static ComputeBackend cpu;
  private static ReferenceBackend ref;

  @BeforeAll
  static void open() {
    cpu = new CpuBackendProvider().create(BackendOptions.defaults());
    ref = new ReferenceBackend();
  }

  @AfterAll
  static void shut() {
    cpu.close();
    ref.close();
  }

  /** The same host data as a pair of tensors, one per backend. */
  private record Pair(Tensor c, Tensor r) {}

  private static Pair pair(Shape s, float[] data) {
    return new Pair(cpu.fromHost(s, data), ref.fromHost(s, data));
  }

  private static float[] random(int n, long seed, float lo, float hi) {
    Random rnd = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = lo + (hi - lo) * rnd.nextFloat();
    }
    return x;
  }

  private static Pair random(Shape s, long seed) {
    return pair(s, random(s.size(), seed, -2f, 2f));
  }

  private static Pair empty(Shape s) {
    return new Pair(cpu.allocate(s), ref.allocate(s));
  }

  private static void assertClose(Pair p, double tol, String what) {
    float[] a = cpu.toHost(p.c());
    float[] b = ref.toHost(p.r());
    for (int i = 0; i < a.length; i++) {
      if (Float.isNaN(b[i])) {
        assertTrue(Float.isNaN(a[i]), what + " [" + i + "] expected NaN, got " + a[i]);
        continue;
      }
      if (Float.isInfinite(b[i])) {
        assertEquals(b[i], a[i], what + " [" + i + "]");
        continue;
      }
      double err = Math.abs(a[i] - b[i]);
      assertTrue(
          err <= tol * (1 + Math.abs(b[i])),
          what + " [" + i + "]: cpu " + a[i] + " vs reference " + b[i]);
    }
  }

  private static final Shape[] SHAPES = {
    Shape.matrix(1, 1),
    Shape.matrix(1, 7),
    Shape.matrix(9, 1),
    Shape.matrix(13, 5),
    Shape.of(2, 3, 17),
    // several staging chunks (Scratch.CHUNK = 2048): many short rows, and rows longer than a chunk
    Shape.matrix(700, 7),
    Shape.matrix(3, 2500)
  };

  @Test
  void gemmAllTransposesAndOddShapes() {
    int[][] mnk = {{1, 1, 1}, {1, 9, 4}, {7, 1, 3}, {33, 17, 65}, {256, 100, 300}};
    long seed = 1;
    for (int[] d : mnk) {
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          Pair a = random(ta ? Shape.matrix(d[2], d[0]) : Shape.matrix(d[0], d[2]), seed++);
          Pair b = random(tb ? Shape.matrix(d[1], d[2]) : Shape.matrix(d[2], d[1]), seed++);
          Pair c = random(Shape.matrix(d[0], d[1]), seed++);
          cpu.gemm(ta, tb, 0.5f, a.c(), b.c(), 1.5f, c.c());
          ref.gemm(ta, tb, 0.5f, a.r(), b.r(), 1.5f, c.r());
          assertClose(c, 1e-4, "gemm " + java.util.Arrays.toString(d) + " " + ta + tb);
        }
      }
    }
  }

  @Test
  void gemmWithBetaZeroIgnoresNanInC() {
    int[][] mnk = {{1, 1, 1}, {3, 2, 4}, {64, 48, 32}, {256, 512, 300}};
    for (int[] d : mnk) {
      for (boolean ta : new boolean[] {false, true}) {
        Pair a = random(ta ? Shape.matrix(d[2], d[0]) : Shape.matrix(d[0], d[2]), 5);
        Pair b = random(Shape.matrix(d[2], d[1]), 6);
        float[] nan = new float[d[0] * d[1]];
        java.util.Arrays.fill(nan, Float.NaN);
        Pair c = pair(Shape.matrix(d[0], d[1]), nan);
        cpu.gemm(ta, false, 1f, a.c(), b.c(), 0f, c.c());
        ref.gemm(ta, false, 1f, a.r(), b.r(), 0f, c.r());
        for (float v : cpu.toHost(c.c())) {
          assertTrue(Float.isFinite(v), "beta 0 must ignore NaN in c, got " + v);
        }
        assertClose(c, 1e-4, "gemm beta 0 " + java.util.Arrays.toString(d));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(BinaryOp.class)
  void binaryWithEveryBroadcast(BinaryOp op) {
    for (Shape s : SHAPES) {
      int rows = s.rows();
      int cols = s.cols();
      float[] ad = random(s.size(), 11, -2f, 2f);
      ad[0] = Float.NaN;
      Pair a = pair(s, ad);
      for (Shape bs :
          new Shape[] {s, Shape.matrix(1, cols), Shape.matrix(rows, 1), Shape.scalar()}) {
        Pair b = pair(bs, random(bs.size(), 12, 0.5f, 2f));
        Pair out = empty(s);
        cpu.binary(op, a.c(), b.c(), out.c());
        ref.binary(op, a.r(), b.r(), out.r());
        assertClose(out, 1e-6, op + " " + s + " by " + bs);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(UnaryOp.class)
  void unaryAndBackward(UnaryOp op) {
    boolean positive = op == UnaryOp.LOG || op == UnaryOp.SQRT;
    Shape s = Shape.matrix(130, 50);
    float[] xd = random(s.size(), 21, positive ? 0.1f : -3f, 3f);
    xd[3] = 0f;
    xd[4] = Float.NaN;
    Pair x = pair(s, xd);
    Pair y = empty(s);
    cpu.unary(op, x.c(), y.c());
    ref.unary(op, x.r(), y.r());
    assertClose(y, 1e-6, "unary " + op);
    Pair g = random(s, 22);
    Pair gi = empty(s);
    cpu.unaryBackward(op, x.c(), y.c(), g.c(), gi.c());
    ref.unaryBackward(op, x.r(), y.r(), g.r(), gi.r());
    assertClose(gi, 1e-5, "unaryBackward " + op);
  }

  @Test
  void affineAxpbyDotNorm() {
    Shape s = Shape.matrix(90, 110);
    Pair x = random(s, 31);
    Pair y = random(s, 32);
    Pair out = empty(s);
    cpu.affine(x.c(), 1.5f, -0.25f, out.c());
    ref.affine(x.r(), 1.5f, -0.25f, out.r());
    assertClose(out, 1e-6, "affine");
    cpu.axpby(0.5f, x.c(), -2f, y.c());
    ref.axpby(0.5f, x.r(), -2f, y.r());
    assertClose(y, 1e-6, "axpby");
    assertEquals(ref.dot(x.r(), y.r()), cpu.dot(x.c(), y.c()), 1e-9);
    assertEquals(ref.sumSquares(x.r()), cpu.sumSquares(x.c()), 1e-9);
  }

  @Test
  void reductionsSoftmaxAndArgmax() {
    for (Shape s : SHAPES) {
      float[] xd = random(s.size(), 41, -5f, 5f);
      Pair x = pair(s, xd);
      check(s, Shape.matrix(1, s.cols()), x, (a, o) -> cpu.sumRows(a, o), ref::sumRows, "sumRows");
      check(s, Shape.matrix(s.rows(), 1), x, (a, o) -> cpu.sumCols(a, o), ref::sumCols, "sumCols");
      check(s, Shape.scalar(), x, (a, o) -> cpu.sumAll(a, o), ref::sumAll, "sumAll");
      check(s, Shape.matrix(s.rows(), 1), x, cpu::argmaxRows, ref::argmaxRows, "argmax");
      check(s, s, x, cpu::softmaxRows, ref::softmaxRows, "softmax");
      check(s, s, x, cpu::logSoftmaxRows, ref::logSoftmaxRows, "logSoftmax");
    }
  }

  private static void check(
      Shape in,
      Shape outShape,
      Pair x,
      BiConsumer<Tensor, Tensor> onCpu,
      BiConsumer<Tensor, Tensor> onRef,
      String what) {
    Pair out = empty(outShape);
    onCpu.accept(x.c(), out.c());
    onRef.accept(x.r(), out.r());
    assertClose(out, 1e-5, what + " " + in);
  }

  @Test
  void fusedLossesWithMasks() {
    int n = 17;
    int k = 5;
    Shape s = Shape.matrix(n, k);
    Pair z = random(s, 51);
    float[] labels = new float[n];
    float[] rowMask = new float[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % k;
      rowMask[i] = i % 3 == 0 ? 0f : 1f;
    }
    labels[0] = 99f; // masked out: ignored
    Pair y = pair(Shape.column(n), labels);
    Pair m = pair(Shape.column(n), rowMask);
    Pair loss = empty(Shape.scalar());
    Pair g = empty(s);
    cpu.softmaxCrossEntropy(z.c(), y.c(), m.c(), loss.c(), g.c());
    ref.softmaxCrossEntropy(z.r(), y.r(), m.r(), loss.r(), g.r());
    assertClose(loss, 1e-6, "sce loss");
    assertClose(g, 1e-6, "sce grad");

    Pair targets = pair(s, random(n * k, 52, 0f, 1f));
    Pair fullMask = pair(s, random(n * k, 53, 0f, 1f));
    cpu.fill(fullMask.c(), 1f);
    ref.fill(fullMask.r(), 1f);
    for (Tensor[] masks :
        new Tensor[][] {{null, null}, {m.c(), m.r()}, {fullMask.c(), fullMask.r()}}) {
      cpu.bceWithLogits(z.c(), targets.c(), masks[0], loss.c(), g.c());
      ref.bceWithLogits(z.r(), targets.r(), masks[1], loss.r(), g.r());
      assertClose(loss, 1e-6, "bce loss");
      assertClose(g, 1e-6, "bce grad");
      cpu.mse(z.c(), targets.c(), masks[0], loss.c(), g.c());
      ref.mse(z.r(), targets.r(), masks[1], loss.r(), g.r());
      assertClose(loss, 1e-6, "mse loss");
      assertClose(g, 1e-6, "mse grad");
    }
  }

  @Test
  void gatherScatterAndDropout() {
    Pair table = random(Shape.matrix(6, 4), 61);
    Pair idx = pair(Shape.column(5), new float[] {5, 0, 2, 2, 1});
    Pair out = empty(Shape.matrix(5, 4));
    cpu.gatherRows(table.c(), idx.c(), out.c());
    ref.gatherRows(table.r(), idx.r(), out.r());
    assertClose(out, 0, "gather");
    cpu.scatterAddRows(out.c(), idx.c(), table.c());
    ref.scatterAddRows(out.r(), idx.r(), table.r());
    assertClose(table, 1e-6, "scatterAdd");
    Pair bad = pair(Shape.column(2), new float[] {1, 6});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> cpu.gatherRows(table.c(), bad.c(), cpu.allocate(Shape.matrix(2, 4))));
    assertTrue(e.getMessage().contains("row 1"), e.getMessage());

    Pair mask = empty(Shape.matrix(31, 33));
    cpu.dropoutMask(1234L, 0.3f, mask.c());
    ref.dropoutMask(1234L, 0.3f, mask.r());
    assertClose(mask, 0, "dropout mask must match bit for bit");
  }

  @Test
  void optimiserSteps() {
    Shape s = Shape.matrix(70, 90);
    Pair p = random(s, 71);
    Pair g = random(s, 72);
    Pair v = pair(s, new float[s.size()]);
    for (int step = 0; step < 3; step++) {
      cpu.sgdStep(p.c(), g.c(), v.c(), 0.1f, 0.9f, 0.01f, step == 2);
      ref.sgdStep(p.r(), g.r(), v.r(), 0.1f, 0.9f, 0.01f, step == 2);
    }
    assertClose(p, 1e-6, "sgd param");
    assertClose(v, 1e-6, "sgd velocity");
    Pair m = pair(s, new float[s.size()]);
    Pair vv = pair(s, new float[s.size()]);
    for (boolean decoupled : new boolean[] {false, true}) {
      for (int step = 1; step <= 3; step++) {
        cpu.adamStep(
            p.c(), g.c(), m.c(), vv.c(), 1e-2f, 0.9f, 0.999f, 1e-8f, 0.05f, decoupled, step);
        ref.adamStep(
            p.r(), g.r(), m.r(), vv.r(), 1e-2f, 0.9f, 0.999f, 1e-8f, 0.05f, decoupled, step);
      }
      assertClose(p, 1e-6, "adam param " + decoupled);
      assertClose(m, 1e-6, "adam m");
      assertClose(vv, 1e-6, "adam v");
    }
  }

  @Test
  void copiesAndColumns() {
    Pair src = random(Shape.matrix(4, 6), 81);
    Pair dst = random(Shape.matrix(4, 5), 82);
    cpu.copyColumns(src.c(), 2, dst.c(), 1, 3);
    ref.copyColumns(src.r(), 2, dst.r(), 1, 3);
    assertClose(dst, 0, "copyColumns");
    Pair copy = empty(Shape.matrix(4, 6));
    cpu.copy(src.c(), copy.c());
    ref.copy(src.r(), copy.r());
    assertClose(copy, 0, "copy");
  }

  @Test
  void misuseIsRejectedWithShapes() {
    Tensor a = cpu.allocate(Shape.matrix(2, 3));
    Tensor b = cpu.allocate(Shape.matrix(4, 5));
    Tensor c = cpu.allocate(Shape.matrix(2, 5));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> cpu.gemm(false, false, 1, a, b, 0, c));
    assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 5]"));
    Tensor foreign = ref.allocate(Shape.matrix(2, 3));
    assertThrows(IllegalArgumentException.class, () -> cpu.copy(foreign, a));
    a.close();
    IllegalStateException closed = assertThrows(IllegalStateException.class, () -> cpu.fill(a, 1f));
    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
  }

  @Test
  void reluBackwardOnBitsMatchesTheReferenceOnEverySpecialPair() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    float[] specials = {
      nan,
      -inf,
      inf,
      -0f,
      0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      1e-30f,
      -1.5f,
      2.5f,
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      Float.intBitsToFloat(0x7f800001)
    };
    int k = specials.length;
    // every (x, gradOut) pair, repeated past one staging chunk so the tail loop runs too
    int n = 5000;
    float[] x = new float[n];
    float[] g = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = specials[i % k];
      g[i] = specials[(i / k) % k];
    }
    Shape s = Shape.matrix(1, n);
    Pair px = pair(s, x);
    Pair pg = pair(s, g);
    Pair py = empty(s);
    cpu.unary(UnaryOp.RELU, px.c(), py.c());
    ref.unary(UnaryOp.RELU, px.r(), py.r());
    Pair out = empty(s);
    cpu.unaryBackward(UnaryOp.RELU, px.c(), py.c(), pg.c(), out.c());
    ref.unaryBackward(UnaryOp.RELU, px.r(), py.r(), pg.r(), out.r());
    float[] a = cpu.toHost(out.c());
    float[] b = ref.toHost(out.r());
    for (int i = 0; i < n; i++) {
      String at = "x=" + x[i] + ", gradOut=" + g[i];
      if (Float.isNaN(b[i])) {
        assertTrue(Float.isNaN(a[i]), at + ": expected NaN, got " + a[i]);
      } else {
        assertEquals(
            Float.floatToRawIntBits(b[i]),
            Float.floatToRawIntBits(a[i]),
            at + ": expected " + b[i] + ", got " + a[i]);
      }
    }
  }
}
