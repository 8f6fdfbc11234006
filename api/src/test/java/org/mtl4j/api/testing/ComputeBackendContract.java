package org.mtl4j.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.mtl4j.api.testing.Tolerance.assertClose;
import static org.mtl4j.api.testing.Tolerance.assertSameBits;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Embedding;
import org.mtl4j.api.nn.Mlp;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * The conformance suite every {@link ComputeBackend} passes unchanged: each primitive is run on the
 * backend under test and on {@link ReferenceBackend} (float32 storage, double accumulation) with
 * the same seeded inputs, and the results are compared. Modelled on DJL's per-engine integration
 * tests and Trino's {@code BaseConnectorTest}: one suite, many implementations.
 *
 * <p>A backend module extends it and implements {@link #createBackend()}; a backend that cannot run
 * on every machine (CUDA) overrides {@link #unavailableReason()}, which skips every test with that
 * reason.
 *
 * <h2>Tolerances</h2>
 *
 * <ul>
 *   <li>Correctly rounded element-wise arithmetic ({@link BinaryOp}, copies, axpby, affine):
 *       {@value #ELEMENTWISE_RTOL} relative (a few ulp, so that a backend may divide by multiplying
 *       with a reciprocal).
 *   <li>Transcendental functions, softmax, losses and optimiser steps: {@value #MATH_RTOL} relative
 *       plus {@value #ATOL} absolute.
 *   <li>Accumulations (gemm, reductions, dot): {@value #ACCUMULATION_RTOL} relative to the sum of
 *       the absolute values of the terms, e.g. {@code |alpha| sum_p |a_ip| |b_pj| + |beta c_ij|}
 *       for gemm, so that any float32 summation order passes and a wrong one does not.
 * </ul>
 *
 * <p>The suite also checks IEEE propagation of NaN and Inf, that identical inputs give identical
 * bits, that misuse throws {@link IllegalArgumentException} or {@link IllegalStateException} naming
 * the shapes, and that {@link TensorScope}s release what they own. After every test the backend's
 * live tensor count must be back where it was before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ComputeBackendContract {
  /** Relative tolerance of correctly rounded element-wise arithmetic. */
  protected static final double ELEMENTWISE_RTOL = 1e-6;

  /** Relative tolerance of transcendental functions, softmax, losses and optimiser steps. */
  protected static final double MATH_RTOL = 1e-5;

  /** Relative tolerance of sums, relative to the sum of absolute values of the terms. */
  protected static final double ACCUMULATION_RTOL = 1e-4;

  /** Absolute tolerance added to every relative one. */
  protected static final double ATOL = 1e-6;

  private ComputeBackend backend;
  private ReferenceBackend reference;
  private TensorScope testScope;
  private long liveBefore;

  /** A new instance of the backend under test; called once per test class and by misuse tests. */
  protected abstract ComputeBackend createBackend();

  /**
   * Why the backend cannot run here (e.g. "no CUDA device"), or null when it can. When non-null
   * every test is skipped with this reason.
   */
  protected String unavailableReason() {
    return null;
  }

  /** The backend under test, created once for the class. */
  protected final ComputeBackend backend() {
    return backend;
  }

  /** The float32 oracle. */
  protected final ReferenceBackend reference() {
    return reference;
  }

  @BeforeAll
  final void startBackends() {
    String reason = unavailableReason();
    if (reason != null) {
      // JUnit reports a class aborted in @BeforeAll as 0 tests run, without the reason: say it
      System.err.println(getClass().getSimpleName() + ": every test skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, () -> "backend not available here: " + reason);
    backend = createBackend();
    assertNotNull(backend, "createBackend() returned null");
    reference = new ReferenceBackend(ReferenceBackend.Precision.FLOAT);
  }

  @AfterAll
  final void closeBackends() {
    if (backend != null) {
      backend.close();
    }
    if (reference != null) {
      reference.close();
    }
  }

  @BeforeEach
  final void openTestScope() {
    liveBefore = backend.memoryStats().liveTensors();
    testScope = backend.openScope();
  }

  @AfterEach
  final void closeTestScope() {
    testScope.close();
    assertEquals(
        liveBefore,
        backend.memoryStats().liveTensors(),
        "live tensors after the test's scope closed (a tensor leaked out of its scope)");
  }

  // ================================================================================ the runner

  /** An operation on tensors of one backend, run on both backends with the same inputs. */
  @FunctionalInterface
  protected interface Op {
    void run(ComputeBackend b, Tensor[] t);
  }

  /** The contents of every tensor after the op: {@code actual[i]} and {@code expected[i]}. */
  protected record Outcome(float[][] actual, float[][] expected) {}

  /**
   * Uploads {@code init[i]} into a tensor of {@code shapes[i]} on each backend, runs {@code op} on
   * both and downloads every tensor afterwards.
   */
  protected final Outcome runBoth(Op op, Shape[] shapes, float[]... init) {
    return new Outcome(runOn(backend, op, shapes, init), runOn(reference, op, shapes, init));
  }

  private static float[][] runOn(ComputeBackend b, Op op, Shape[] shapes, float[][] init) {
    try (TensorScope s = b.openScope()) {
      Tensor[] t = new Tensor[shapes.length];
      for (int i = 0; i < shapes.length; i++) {
        t[i] = b.fromHost(shapes[i], init[i]);
      }
      op.run(b, t);
      b.synchronize();
      float[][] out = new float[shapes.length][];
      for (int i = 0; i < shapes.length; i++) {
        out[i] = b.toHost(t[i]);
      }
      return out;
    }
  }

  private static Shape[] shapes(Shape... s) {
    return s;
  }

  private static Shape m(int rows, int cols) {
    return Shape.matrix(rows, cols);
  }

  /** Asserts that {@code body} throws IAE or ISE whose message contains every fragment. */
  protected static RuntimeException assertMisuse(
      String what, Executable body, String... fragments) {
    try {
      body.execute();
    } catch (IllegalArgumentException | IllegalStateException e) {
      String msg = String.valueOf(e.getMessage());
      for (String f : fragments) {
        assertTrue(msg.contains(f), what + ": message should name '" + f + "' but was: " + msg);
      }
      return e;
    } catch (Throwable t) {
      fail(what + ": expected IllegalArgumentException or IllegalStateException, got " + t, t);
    }
    return fail(what + ": no exception was thrown");
  }

  // ================================================================================ memory

  private static final Shape[] ODD_SHAPES = {
    m(1, 1), m(1, 13), m(13, 1), m(5, 7), Shape.of(3, 5, 7), m(33, 65)
  };

  @Test
  void uploadDownloadRoundTripKeepsBits() {
    SplittableRandom rng = new SplittableRandom(1);
    for (Shape s : ODD_SHAPES) {
      float[] data = TestData.uniform(rng, s.size(), -1e3, 1e3);
      float[] specials = {
        Float.NaN,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        -0f,
        Float.MIN_VALUE,
        Float.MAX_VALUE,
        -Float.MIN_NORMAL
      };
      for (int i = 0; i < Math.min(specials.length, data.length); i++) {
        data[(i * 7) % data.length] = specials[i];
      }
      Tensor t = backend.allocate(s);
      assertEquals(s, t.shape(), "allocate keeps the shape");
      backend.upload(data, t);
      float[] back = new float[s.size() + 3];
      backend.download(t, back);
      assertSameBits("round trip " + s, data, java.util.Arrays.copyOf(back, s.size()));
      assertSameBits("fromHost/toHost " + s, data, backend.toHost(backend.fromHost(s, data)));
    }
    Tensor one = backend.fromHost(Shape.scalar(), new float[] {2.5f});
    assertEquals(2.5f, backend.scalar(one));
  }

  @Test
  void uploadRowsGathersHostRowsInOrder() {
    SplittableRandom rng = new SplittableRandom(17);
    for (int cols : new int[] {1, 7, 65}) {
      int srcRows = 41;
      float[] src = TestData.uniform(rng, srcRows * cols, -5, 5);
      src[3 * cols] = Float.NaN;
      src[3 * cols + cols - 1] = -0f;
      int[] rows = {3, 0, 40, 3, 17, 40, 9, 1, 5, 3, 22, 39, 0};
      Tensor dst = backend.allocate(m(12, cols));
      backend.uploadRows(src, rows, dst);
      float[] expected = new float[12 * cols];
      for (int i = 0; i < 12; i++) {
        System.arraycopy(src, rows[i] * cols, expected, i * cols, cols);
      }
      assertSameBits("uploadRows, " + cols + " columns", expected, backend.toHost(dst));
    }
  }

  @Test
  void fillZerosAndCopy() {
    SplittableRandom rng = new SplittableRandom(2);
    for (Shape s : ODD_SHAPES) {
      for (float v : new float[] {0f, -0f, 3.25f, Float.NaN, Float.NEGATIVE_INFINITY}) {
        Tensor t = backend.allocate(s);
        backend.fill(t, v);
        assertSameBits("fill " + v + " " + s, TestData.filled(s.size(), v), backend.toHost(t));
      }
      assertSameBits("zeros " + s, new float[s.size()], backend.toHost(backend.zeros(s)));
      float[] data = TestData.uniform(rng, s.size(), -5, 5);
      Outcome o =
          runBoth((b, t) -> b.copy(t[0], t[1]), shapes(s, s), data, TestData.nans(s.size()));
      assertSameBits("copy " + s, data, o.actual()[1]);
    }
    // a [2, 3, 4] tensor and a [6, 4] one are the same matrix
    float[] data = TestData.uniform(rng, 24, -1, 1);
    Outcome o =
        runBoth(
            (b, t) -> b.copy(t[0], t[1]),
            shapes(Shape.of(2, 3, 4), m(6, 4)),
            data,
            TestData.nans(24));
    assertSameBits("copy [2, 3, 4] -> [6, 4]", data, o.actual()[1]);
  }

  @Test
  void copyColumnsSlicesAndConcatenates() {
    SplittableRandom rng = new SplittableRandom(3);
    int[][] cases = {
      // rows, srcCols, srcCol, dstCols, dstCol, count
      {1, 1, 0, 1, 0, 1},
      {1, 9, 2, 5, 1, 4},
      {7, 1, 0, 3, 2, 1},
      {6, 9, 2, 7, 4, 3},
      {33, 40, 0, 40, 0, 40},
      {5, 4, 1, 6, 3, 0}
    };
    for (int[] c : cases) {
      Shape src = m(c[0], c[1]);
      Shape dst = m(c[0], c[3]);
      Outcome o =
          runBoth(
              (b, t) -> b.copyColumns(t[0], c[2], t[1], c[4], c[5]),
              shapes(src, dst),
              TestData.uniform(rng, src.size(), -3, 3),
              TestData.uniform(rng, dst.size(), -3, 3));
      assertSameBits("copyColumns " + java.util.Arrays.toString(c), o.expected()[1], o.actual()[1]);
    }
  }

  // ================================================================================ gemm

  private static double[] gemmScale(
      float[] a,
      float[] b,
      float[] c,
      boolean ta,
      boolean tb,
      int m,
      int n,
      int k,
      float alpha,
      float beta) {
    double[] opA = new double[m * k];
    double[] opB = new double[k * n];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        opA[i * k + p] = Math.abs(ta ? a[p * m + i] : a[i * k + p]);
      }
    }
    for (int p = 0; p < k; p++) {
      for (int j = 0; j < n; j++) {
        opB[p * n + j] = Math.abs(tb ? b[j * k + p] : b[p * n + j]);
      }
    }
    double[] s = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        double av = opA[i * k + p] * Math.abs(alpha);
        for (int j = 0; j < n; j++) {
          s[i * n + j] += av * opB[p * n + j];
        }
      }
    }
    if (beta != 0f) {
      for (int i = 0; i < s.length; i++) {
        s[i] += Math.abs(beta * c[i]);
      }
    }
    return s;
  }

  private void checkGemm(
      SplittableRandom rng, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta) {
    Shape sa = ta ? m(k, m) : m(m, k);
    Shape sb = tb ? m(n, k) : m(k, n);
    Shape sc = m(m, n);
    float[] a = TestData.uniform(rng, sa.size(), -1, 1);
    float[] b = TestData.uniform(rng, sb.size(), -1, 1);
    float[] c = beta == 0f ? TestData.nans(sc.size()) : TestData.uniform(rng, sc.size(), -1, 1);
    Outcome o =
        runBoth(
            (be, t) -> be.gemm(ta, tb, alpha, t[0], t[1], beta, t[2]), shapes(sa, sb, sc), a, b, c);
    String what =
        "gemm "
            + m
            + "x"
            + n
            + "x"
            + k
            + " transA="
            + ta
            + " transB="
            + tb
            + " alpha="
            + alpha
            + " beta="
            + beta;
    assertClose(
        what,
        o.expected()[2],
        o.actual()[2],
        n,
        gemmScale(a, b, c, ta, tb, m, n, k, alpha, beta),
        ACCUMULATION_RTOL,
        1e-7);
    assertSameBits(what + " leaves a unchanged", a, o.actual()[0]);
    assertSameBits(what + " leaves b unchanged", b, o.actual()[1]);
    if (beta == 0f) {
      for (float v : o.actual()[2]) {
        assertTrue(Float.isFinite(v), what + ": beta = 0 must ignore the NaNs in c, got " + v);
      }
    }
  }

  @ParameterizedTest(name = "transA={0} transB={1}")
  @CsvSource({"false,false", "false,true", "true,false", "true,true"})
  void gemmOddShapesAllTransposes(boolean ta, boolean tb) {
    SplittableRandom rng = new SplittableRandom(ta ? (tb ? 11 : 12) : (tb ? 13 : 14));
    int[][] mnk = {
      {1, 1, 1},
      {1, 9, 4},
      {9, 1, 4},
      {6, 5, 1},
      {1, 1, 37},
      {17, 33, 9},
      {64, 48, 130},
      {129, 65, 257}
    };
    float[][] alphaBeta = {{1f, 0f}, {0.5f, 2f}, {-1.5f, 1f}, {0f, 0.75f}, {2f, -1f}};
    for (int[] d : mnk) {
      for (float[] ab : alphaBeta) {
        checkGemm(rng, ta, tb, d[0], d[1], d[2], ab[0], ab[1]);
      }
    }
  }

  @Test
  void gemm1024Cubed() {
    checkGemm(new SplittableRandom(15), false, false, 1024, 1024, 1024, 1f, 0f);
  }

  @Test
  void gemmRectangularWithBetaOneAccumulates() {
    checkGemm(new SplittableRandom(16), true, false, 200, 3, 300, 1f, 1f);
    checkGemm(new SplittableRandom(17), false, true, 3, 200, 300, -1f, 1f);
  }

  // ================================================================================ axpby, affine

  @Test
  void axpbyAndAffine() {
    SplittableRandom rng = new SplittableRandom(20);
    for (Shape s : ODD_SHAPES) {
      float[] x = TestData.uniform(rng, s.size(), -4, 4);
      float[] y = TestData.uniform(rng, s.size(), -4, 4);
      for (float[] ab : new float[][] {{1f, 1f}, {-0.5f, 2f}, {3f, 0f}, {0f, 1f}}) {
        float[] yInit = ab[1] == 0f ? TestData.nans(s.size()) : y;
        Outcome o = runBoth((b, t) -> b.axpby(ab[0], t[0], ab[1], t[1]), shapes(s, s), x, yInit);
        assertClose(
            "axpby " + ab[0] + ", " + ab[1] + " " + s,
            o.expected()[1],
            o.actual()[1],
            s.cols(),
            ELEMENTWISE_RTOL,
            1e-7);
      }
      Outcome o =
          runBoth(
              (b, t) -> b.affine(t[0], -2.5f, 0.75f, t[1]),
              shapes(s, s),
              x,
              TestData.nans(s.size()));
      assertClose("affine " + s, o.expected()[1], o.actual()[1], s.cols(), ELEMENTWISE_RTOL, 1e-7);
      Outcome inPlace = runBoth((b, t) -> b.affine(t[0], 0.5f, -1f, t[0]), shapes(s), x);
      assertClose(
          "affine in place " + s,
          inPlace.expected()[0],
          inPlace.actual()[0],
          s.cols(),
          ELEMENTWISE_RTOL,
          1e-7);
    }
  }

  @Test
  void dotAndSumSquares() {
    SplittableRandom rng = new SplittableRandom(21);
    for (Shape s : new Shape[] {m(1, 1), m(1, 17), m(17, 1), m(31, 29), m(300, 400)}) {
      float[] a = TestData.uniform(rng, s.size(), -2, 2);
      float[] b = TestData.uniform(rng, s.size(), -2, 2);
      Tensor ta = backend.fromHost(s, a);
      Tensor tb = backend.fromHost(s, b);
      double expDot = 0;
      double absDot = 0;
      double expSq = 0;
      for (int i = 0; i < a.length; i++) {
        expDot += (double) a[i] * b[i];
        absDot += Math.abs((double) a[i] * b[i]);
        expSq += (double) a[i] * a[i];
      }
      double dot = backend.dot(ta, tb);
      assertTrue(
          Math.abs(dot - expDot) <= ACCUMULATION_RTOL * absDot + 1e-7,
          "dot " + s + ": expected " + expDot + " but was " + dot);
      assertClose("sumSquares " + s, expSq, backend.sumSquares(ta), ACCUMULATION_RTOL, 1e-7);
    }
  }

  // ================================================================================ element-wise

  private static Shape broadcastShape(Shape a, String mode) {
    return switch (mode) {
      case "same" -> a;
      case "row" -> m(1, a.cols());
      case "column" -> m(a.rows(), 1);
      case "scalar" -> Shape.scalar();
      default -> throw new IllegalArgumentException(mode);
    };
  }

  @ParameterizedTest
  @EnumSource(BinaryOp.class)
  void binaryEveryBroadcast(BinaryOp op) {
    SplittableRandom rng = new SplittableRandom(30 + op.ordinal());
    for (Shape sa : new Shape[] {m(1, 1), m(1, 7), m(7, 1), m(5, 9), Shape.of(2, 3, 4)}) {
      for (String mode : new String[] {"same", "row", "column", "scalar"}) {
        Shape sb = broadcastShape(sa, mode);
        float[] a = TestData.uniform(rng, sa.size(), -3, 3);
        float[] b =
            op == BinaryOp.DIV
                ? TestData.awayFromZero(rng, sb.size(), 0.5, 3)
                : TestData.uniform(rng, sb.size(), -3, 3);
        String what = "binary " + op + " a " + sa + " b " + sb + " (" + mode + ")";
        Outcome o =
            runBoth(
                (be, t) -> be.binary(op, t[0], t[1], t[2]),
                shapes(sa, sb, sa),
                a,
                b,
                TestData.nans(sa.size()));
        assertClose(what, o.expected()[2], o.actual()[2], sa.cols(), ELEMENTWISE_RTOL, 0);
        Outcome alias = runBoth((be, t) -> be.binary(op, t[0], t[1], t[0]), shapes(sa, sb), a, b);
        assertClose(
            what + ", out == a",
            o.expected()[2],
            alias.actual()[0],
            sa.cols(),
            ELEMENTWISE_RTOL,
            0);
      }
      float[] a = TestData.uniform(rng, sa.size(), 0.5, 3);
      float[] b = TestData.uniform(rng, sa.size(), 0.5, 3);
      Outcome aliasB = runBoth((be, t) -> be.binary(op, t[0], t[1], t[1]), shapes(sa, sa), a, b);
      assertClose(
          "binary " + op + " " + sa + ", out == b",
          aliasB.expected()[1],
          aliasB.actual()[1],
          sa.cols(),
          ELEMENTWISE_RTOL,
          0);
      Outcome self = runBoth((be, t) -> be.binary(op, t[0], t[0], t[0]), shapes(sa), a);
      assertClose(
          "binary " + op + " " + sa + ", a == b == out",
          self.expected()[0],
          self.actual()[0],
          sa.cols(),
          ELEMENTWISE_RTOL,
          0);
    }
  }

  @Test
  void binaryIeeeSpecials() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    float[] a = {nan, 1f, inf, inf, 0f, -0f, 2f, nan, 3f, -inf};
    float[] b = {1f, nan, inf, -inf, 0f, 5f, inf, nan, -0f, 2f};
    Shape s = m(2, 5);
    for (BinaryOp op : BinaryOp.values()) {
      Outcome o =
          runBoth(
              (be, t) -> be.binary(op, t[0], t[1], t[2]), shapes(s, s, s), a, b, TestData.nans(10));
      float[] expected = new float[10];
      for (int i = 0; i < 10; i++) {
        expected[i] = op.apply(a[i], b[i]);
      }
      assertClose("binary " + op + " on NaN/Inf/zero", expected, o.actual()[2], 5, 0, 0);
      assertClose("reference binary " + op, expected, o.expected()[2], 5, 0, 0);
    }
  }

  private static float[] unaryInput(UnaryOp op, SplittableRandom rng, int n) {
    return switch (op) {
      case LOG, SQRT -> TestData.uniform(rng, n, 0.01, 10);
      case EXP -> TestData.uniform(rng, n, -20, 20);
      default -> TestData.uniform(rng, n, -6, 6);
    };
  }

  private static float[] unarySpecials(UnaryOp op) {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    return switch (op) {
      case LOG -> new float[] {0f, -1f, inf, nan, 1f, Float.MIN_NORMAL};
      case SQRT -> new float[] {0f, -1f, inf, nan, 1e30f};
      case EXP -> new float[] {-inf, inf, nan, 100f, -100f, 0f};
      case SIGMOID, TANH -> new float[] {-inf, inf, nan, 100f, -100f, 0f, 1e-8f};
      case RELU -> new float[] {nan, -inf, inf, -0f, 0f, 1e-30f, -1e-30f};
      case GELU -> new float[] {nan, inf, 100f, -100f, 0f, 1e-8f};
      case SQUARE -> new float[] {inf, -inf, nan, 1e20f, -0f};
      case ABS -> new float[] {-inf, nan, -0f, -3f, Float.MIN_VALUE};
    };
  }

  @ParameterizedTest
  @EnumSource(UnaryOp.class)
  void unaryForward(UnaryOp op) {
    SplittableRandom rng = new SplittableRandom(40 + op.ordinal());
    for (Shape s : ODD_SHAPES) {
      float[] x = unaryInput(op, rng, s.size());
      Outcome o =
          runBoth((b, t) -> b.unary(op, t[0], t[1]), shapes(s, s), x, TestData.nans(s.size()));
      assertClose(
          "unary " + op + " " + s, o.expected()[1], o.actual()[1], s.cols(), MATH_RTOL, ATOL);
      Outcome alias = runBoth((b, t) -> b.unary(op, t[0], t[0]), shapes(s), x);
      assertClose(
          "unary " + op + " " + s + ", out == x",
          o.expected()[1],
          alias.actual()[0],
          s.cols(),
          MATH_RTOL,
          ATOL);
    }
    float[] sp = unarySpecials(op);
    Shape s = m(1, sp.length);
    Outcome o =
        runBoth((b, t) -> b.unary(op, t[0], t[1]), shapes(s, s), sp, TestData.nans(sp.length));
    float[] exact = new float[sp.length];
    for (int i = 0; i < sp.length; i++) {
      exact[i] = (float) op.apply(sp[i]);
    }
    assertClose(
        "unary " + op + " on " + java.util.Arrays.toString(sp),
        exact,
        o.actual()[1],
        sp.length,
        MATH_RTOL,
        ATOL);
  }

  @ParameterizedTest
  @EnumSource(UnaryOp.class)
  void unaryBackward(UnaryOp op) {
    SplittableRandom rng = new SplittableRandom(50 + op.ordinal());
    for (Shape s : ODD_SHAPES) {
      float[] x = unaryInput(op, rng, s.size());
      if (op == UnaryOp.EXP) {
        x = TestData.uniform(rng, s.size(), -5, 5);
      }
      if ((op == UnaryOp.RELU || op == UnaryOp.ABS) && x.length > 2) {
        x[1] = 0f; // the kink: derivative 0 by definition
      }
      float[] y;
      try (TensorScope sc = reference.openScope()) {
        Tensor tx = reference.fromHost(s, x);
        Tensor ty = reference.allocate(s);
        reference.unary(op, tx, ty);
        y = reference.toHost(ty);
      }
      float[] gradOut = TestData.uniform(rng, s.size(), -2, 2);
      Outcome o =
          runBoth(
              (b, t) -> b.unaryBackward(op, t[0], t[1], t[2], t[3]),
              shapes(s, s, s, s),
              x,
              y,
              gradOut,
              TestData.nans(s.size()));
      assertClose(
          "unaryBackward " + op + " " + s,
          o.expected()[3],
          o.actual()[3],
          s.cols(),
          MATH_RTOL,
          ATOL);
      Outcome alias =
          runBoth(
              (b, t) -> b.unaryBackward(op, t[0], t[1], t[2], t[2]),
              shapes(s, s, s),
              x,
              y,
              gradOut);
      assertClose(
          "unaryBackward " + op + " " + s + ", gradIn == gradOut",
          o.expected()[3],
          alias.actual()[2],
          s.cols(),
          MATH_RTOL,
          ATOL);
    }
  }

  // ================================================================================ reductions

  private static final Shape[] REDUCE_SHAPES = {
    m(1, 1), m(1, 17), m(17, 1), m(5, 7), Shape.of(2, 3, 4), m(300, 257)
  };

  @Test
  void sumRowsColsAll() {
    SplittableRandom rng = new SplittableRandom(60);
    for (Shape s : REDUCE_SHAPES) {
      float[] x = TestData.uniform(rng, s.size(), -10, 10);
      int r = s.rows();
      int c = s.cols();
      double[] rowScale = new double[c];
      double[] colScale = new double[r];
      double[] allScale = new double[1];
      for (int i = 0; i < r; i++) {
        for (int j = 0; j < c; j++) {
          double v = Math.abs(x[i * c + j]);
          rowScale[j] += v;
          colScale[i] += v;
          allScale[0] += v;
        }
      }
      Outcome o =
          runBoth(
              (b, t) -> {
                b.sumRows(t[0], t[1]);
                b.sumCols(t[0], t[2]);
                b.sumAll(t[0], t[3]);
              },
              shapes(s, m(1, c), m(r, 1), Shape.scalar()),
              x,
              TestData.nans(c),
              TestData.nans(r),
              TestData.nans(1));
      assertClose(
          "sumRows " + s, o.expected()[1], o.actual()[1], c, rowScale, ACCUMULATION_RTOL, 1e-7);
      assertClose(
          "sumCols " + s, o.expected()[2], o.actual()[2], 1, colScale, ACCUMULATION_RTOL, 1e-7);
      assertClose(
          "sumAll " + s, o.expected()[3], o.actual()[3], 1, allScale, ACCUMULATION_RTOL, 1e-7);
    }
  }

  @Test
  void argmaxTiesNanAndInfinities() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    float[] x = {
      1, 2, 3, 0, //
      3, 3, 1, 3, //
      1, 5, 5, 2, //
      nan, 5, 6, 7, //
      1, nan, nan, 9, //
      -inf, -inf, -inf, -inf, //
      5, inf, inf, 1, //
      -0f, 0f, -1, -2, //
      -7, -3, -5, -3
    };
    float[] expected = {2, 0, 1, 0, 1, 0, 1, 0, 1};
    Shape s = m(9, 4);
    Outcome o =
        runBoth((b, t) -> b.argmaxRows(t[0], t[1]), shapes(s, m(9, 1)), x, TestData.nans(9));
    assertSameBits("argmaxRows reference", expected, o.expected()[1]);
    assertSameBits("argmaxRows", expected, o.actual()[1]);
    SplittableRandom rng = new SplittableRandom(61);
    for (Shape r : REDUCE_SHAPES) {
      float[] data = TestData.uniform(rng, r.size(), -1, 1);
      Outcome rand =
          runBoth(
              (b, t) -> b.argmaxRows(t[0], t[1]),
              shapes(r, m(r.rows(), 1)),
              data,
              TestData.nans(r.rows()));
      assertSameBits("argmaxRows " + r, rand.expected()[1], rand.actual()[1]);
    }
  }

  @Test
  void softmaxAndLogSoftmax() {
    SplittableRandom rng = new SplittableRandom(70);
    List<float[]> inputs = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    for (Shape s : REDUCE_SHAPES) {
      shapes.add(s);
      inputs.add(TestData.uniform(rng, s.size(), -5, 5));
    }
    // large logits: a naive exp overflows to Inf (NaN after normalising)
    shapes.add(m(4, 6));
    inputs.add(TestData.uniform(rng, 24, 1e4, 2e4));
    shapes.add(m(4, 6));
    inputs.add(TestData.uniform(rng, 24, -2e4, -1e4));
    shapes.add(m(3, 5));
    inputs.add(
        new float[] {
          1e4f,
          0,
          -1e4f,
          3,
          2, //
          Float.NEGATIVE_INFINITY,
          1,
          2,
          3,
          4, //
          88,
          89,
          90,
          91,
          92
        });
    for (int c = 0; c < shapes.size(); c++) {
      Shape s = shapes.get(c);
      float[] x = inputs.get(c);
      Outcome o =
          runBoth(
              (b, t) -> {
                b.softmaxRows(t[0], t[1]);
                b.logSoftmaxRows(t[0], t[2]);
              },
              shapes(s, s, s),
              x,
              TestData.nans(s.size()),
              TestData.nans(s.size()));
      assertClose(
          "softmaxRows " + s + " case " + c,
          o.expected()[1],
          o.actual()[1],
          s.cols(),
          MATH_RTOL,
          ATOL);
      assertClose(
          "logSoftmaxRows " + s + " case " + c,
          o.expected()[2],
          o.actual()[2],
          s.cols(),
          MATH_RTOL,
          ATOL);
      for (float v : o.actual()[1]) {
        assertFalse(Float.isNaN(v), "softmax of finite logits " + s + " gave NaN");
      }
      Outcome alias = runBoth((b, t) -> b.softmaxRows(t[0], t[0]), shapes(s), x);
      assertClose(
          "softmaxRows " + s + ", out == x",
          o.expected()[1],
          alias.actual()[0],
          s.cols(),
          MATH_RTOL,
          ATOL);
      Outcome aliasLog = runBoth((b, t) -> b.logSoftmaxRows(t[0], t[0]), shapes(s), x);
      assertClose(
          "logSoftmaxRows " + s + ", out == x",
          o.expected()[2],
          aliasLog.actual()[0],
          s.cols(),
          MATH_RTOL,
          ATOL);
    }
  }

  // ================================================================================ losses

  /** Mask kinds for the loss tests. */
  enum MaskKind {
    NONE,
    MIXED,
    ALL_ZERO,
    ALL_ONE,
    /** [n, 1] for an element-wise loss with several columns. */
    COLUMN
  }

  private static final int[][] LOSS_SHAPES = {{1, 1}, {1, 5}, {7, 1}, {13, 6}, {64, 10}};

  private static float[] maskFor(MaskKind kind, SplittableRandom rng, int n) {
    return switch (kind) {
      case NONE -> null;
      case MIXED, COLUMN -> TestData.mixedMask(rng, n);
      case ALL_ZERO -> new float[n];
      case ALL_ONE -> TestData.filled(n, 1f);
    };
  }

  private void checkLossOutcome(
      String what, Outcome o, int lossIdx, int gradIdx, int cols, MaskKind kind) {
    assertClose(what + " loss", o.expected()[lossIdx], o.actual()[lossIdx], 1, MATH_RTOL, ATOL);
    assertClose(
        what + " gradient", o.expected()[gradIdx], o.actual()[gradIdx], cols, MATH_RTOL, 1e-7);
    if (kind == MaskKind.ALL_ZERO) {
      assertEquals(0f, o.actual()[lossIdx][0], what + ": loss with no labelled element");
      for (float g : o.actual()[gradIdx]) {
        assertEquals(0f, g, 0f, what + ": gradient with no labelled element");
      }
    }
    assertTrue(Float.isFinite(o.actual()[lossIdx][0]), what + ": loss is not finite");
  }

  @ParameterizedTest
  @EnumSource(
      value = MaskKind.class,
      names = {"NONE", "MIXED", "ALL_ZERO", "ALL_ONE"})
  void softmaxCrossEntropy(MaskKind kind) {
    SplittableRandom rng = new SplittableRandom(80 + kind.ordinal());
    for (int[] nk : LOSS_SHAPES) {
      for (double spread : new double[] {3, 3e4}) {
        int n = nk[0];
        int k = nk[1];
        float[] logits = TestData.uniform(rng, n * k, -spread, spread);
        float[] labels = TestData.indices(rng, n, k);
        float[] mask = maskFor(kind, rng, n);
        if (mask != null) {
          for (int i = 0; i < n; i++) {
            if (mask[i] == 0f) {
              labels[i] = i % 2 == 0 ? -1f : k + 7; // ignored: masked out
            }
          }
        }
        String what =
            "softmaxCrossEntropy [" + n + ", " + k + "] mask " + kind + " spread " + spread;
        Shape sz = m(n, k);
        Shape[] sh = shapes(sz, m(n, 1), m(n, 1), Shape.scalar(), sz, Shape.scalar());
        float[] maskData = mask == null ? new float[n] : mask;
        Outcome o =
            runBoth(
                (b, t) -> {
                  b.softmaxCrossEntropy(t[0], t[1], mask == null ? null : t[2], t[3], t[4]);
                  b.softmaxCrossEntropy(t[0], t[1], mask == null ? null : t[2], t[5], null);
                },
                sh,
                logits,
                labels,
                maskData,
                TestData.nans(1),
                TestData.nans(n * k),
                TestData.nans(1));
        checkLossOutcome(what, o, 3, 4, k, kind);
        assertSameBits(what + ": loss without gradient", o.actual()[3], o.actual()[5]);
      }
    }
  }

  private void checkElementLoss(boolean bce, MaskKind kind) {
    SplittableRandom rng = new SplittableRandom((bce ? 90 : 100) + kind.ordinal());
    for (int[] nk : LOSS_SHAPES) {
      for (double spread : bce ? new double[] {4, 200} : new double[] {4}) {
        int n = nk[0];
        int k = nk[1];
        Shape sz = m(n, k);
        float[] x = TestData.uniform(rng, n * k, -spread, spread);
        float[] y = bce ? TestData.zeroOne(rng, n * k, 0.4) : TestData.uniform(rng, n * k, -3, 3);
        Shape maskShape = kind == MaskKind.COLUMN ? m(n, 1) : sz;
        float[] mask = maskFor(kind, rng, maskShape.size());
        if (mask != null) {
          // a missing label may hold anything, NaN included
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
              float mv = kind == MaskKind.COLUMN ? mask[i] : mask[i * k + j];
              if (mv == 0f) {
                y[i * k + j] = Float.NaN;
              }
            }
          }
        }
        String what =
            (bce ? "bceWithLogits " : "mse ") + sz + " mask " + kind + " spread " + spread;
        float[] maskData = mask == null ? new float[maskShape.size()] : mask;
        Outcome o =
            runBoth(
                (b, t) -> {
                  Tensor mt = mask == null ? null : t[2];
                  if (bce) {
                    b.bceWithLogits(t[0], t[1], mt, t[3], t[4]);
                    b.bceWithLogits(t[0], t[1], mt, t[5], null);
                  } else {
                    b.mse(t[0], t[1], mt, t[3], t[4]);
                    b.mse(t[0], t[1], mt, t[5], null);
                  }
                },
                shapes(sz, sz, maskShape, Shape.scalar(), sz, Shape.scalar()),
                x,
                y,
                maskData,
                TestData.nans(1),
                TestData.nans(n * k),
                TestData.nans(1));
        checkLossOutcome(what, o, 3, 4, k, kind);
        assertSameBits(what + ": loss without gradient", o.actual()[3], o.actual()[5]);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(MaskKind.class)
  void bceWithLogits(MaskKind kind) {
    checkElementLoss(true, kind);
  }

  @ParameterizedTest
  @EnumSource(MaskKind.class)
  void mse(MaskKind kind) {
    checkElementLoss(false, kind);
  }

  // ================================================================================ embeddings

  @Test
  void gatherAndScatterAddWithRepeatedIndices() {
    SplittableRandom rng = new SplittableRandom(110);
    int[][] cases = {{1, 1, 1}, {5, 1, 9}, {1, 8, 4}, {10, 7, 33}, {50, 16, 200}};
    for (int[] c : cases) {
      int rows = c[0];
      int d = c[1];
      int n = c[2];
      float[] table = TestData.uniform(rng, rows * d, -2, 2);
      float[] idx = TestData.indices(rng, n, rows);
      idx[n - 1] = idx[0]; // at least one repeat when n > 1
      float[] src = TestData.uniform(rng, n * d, -1, 1);
      String what = "table [" + rows + ", " + d + "] indices " + n;
      Outcome o =
          runBoth(
              (b, t) -> {
                b.gatherRows(t[0], t[1], t[2]);
                b.scatterAddRows(t[3], t[1], t[0]);
              },
              shapes(m(rows, d), m(n, 1), m(n, d), m(n, d)),
              table,
              idx,
              TestData.nans(n * d),
              src);
      assertSameBits("gatherRows " + what, o.expected()[2], o.actual()[2]);
      double[] scale = new double[rows * d];
      for (int i = 0; i < rows * d; i++) {
        scale[i] = Math.abs(table[i]);
      }
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          scale[(int) idx[i] * d + j] += Math.abs(src[i * d + j]);
        }
      }
      assertClose(
          "scatterAddRows " + what,
          o.expected()[0],
          o.actual()[0],
          d,
          scale,
          ACCUMULATION_RTOL,
          1e-7);
    }
  }

  @Test
  void gatherAndScatterRejectBadIndices() {
    Tensor table = backend.zeros(m(4, 3));
    for (float bad : new float[] {4f, -1f, 1.5f, Float.NaN}) {
      Tensor idx = backend.fromHost(m(3, 1), new float[] {0f, 2f, bad});
      Tensor out = backend.allocate(m(3, 3));
      String v = String.valueOf(bad).replace(".0", "");
      assertMisuse(
          "gatherRows index " + bad,
          () -> {
            backend.gatherRows(table, idx, out);
            backend.synchronize();
          },
          v);
      assertMisuse(
          "scatterAddRows index " + bad,
          () -> {
            backend.scatterAddRows(out, idx, table);
            backend.synchronize();
          },
          v);
    }
  }

  // ================================================================================ dropout

  @ParameterizedTest
  @ValueSource(floats = {0f, 0.1f, 0.25f, 0.5f, 0.9f})
  void dropoutMaskMatchesReference(float p) {
    Shape s = m(317, 331);
    int n = s.size();
    Outcome o = runBoth((b, t) -> b.dropoutMask(42L, p, t[0]), shapes(s), TestData.nans(n));
    float[] act = o.actual()[0];
    float[] exp = o.expected()[0];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      assertEquals(
          exp[i] == 0f,
          act[i] == 0f,
          "dropout p=" + p + ": element " + i + " kept/dropped differs from the reference");
      if (exp[i] != 0f) {
        kept++;
        assertEquals(exp[i], act[i], Math.ulp(exp[i]), "dropout p=" + p + " scale at " + i);
      }
    }
    if (p == 0f || p == 0.25f || p == 0.5f) {
      assertSameBits("dropout p=" + p + " (exact scale)", exp, act);
    }
    double rate = (double) kept / n;
    double sigma = Math.sqrt(p * (1 - p) / n);
    assertEquals(1 - p, rate, 5 * sigma + 1e-9, "keep rate of dropout p=" + p);
  }

  @Test
  void dropoutSeedsAreReproducibleAndDistinct() {
    Shape s = m(64, 100);
    Tensor a = backend.allocate(s);
    Tensor b = backend.allocate(s);
    Tensor c = backend.allocate(s);
    backend.dropoutMask(7L, 0.5f, a);
    backend.dropoutMask(7L, 0.5f, b);
    backend.dropoutMask(8L, 0.5f, c);
    float[] ha = backend.toHost(a);
    assertSameBits("same seed, same mask", ha, backend.toHost(b));
    float[] hc = backend.toHost(c);
    int differ = 0;
    for (int i = 0; i < ha.length; i++) {
      differ += ha[i] != hc[i] ? 1 : 0;
    }
    assertTrue(
        differ > ha.length / 4,
        "seeds 7 and 8 give masks differing in only " + differ + " of " + ha.length + " elements");
    for (float bad : new float[] {1f, -0.1f, Float.NaN}) {
      assertMisuse("dropout p=" + bad, () -> backend.dropoutMask(1L, bad, a), String.valueOf(bad));
    }
  }

  // ================================================================================ optimisers

  @ParameterizedTest(name = "momentum={0} weightDecay={1} nesterov={2}")
  @CsvSource({
    "0,0,false",
    "0.9,0,false",
    "0.9,0,true",
    "0.8,0.01,true",
    "0,0.05,false",
    "0.5,0.1,false"
  })
  void sgdStepsMatchReference(float momentum, float wd, boolean nesterov) {
    SplittableRandom rng = new SplittableRandom(120);
    Shape s = m(7, 5);
    int steps = 4;
    float[][] grads = new float[steps][];
    for (int i = 0; i < steps; i++) {
      grads[i] = TestData.uniform(rng, s.size(), -1, 1);
    }
    float lr = 0.05f;
    Outcome o =
        runBoth(
            (b, t) -> {
              for (int i = 0; i < steps; i++) {
                b.upload(grads[i], t[1]);
                b.sgdStep(t[0], t[1], momentum == 0f ? null : t[2], lr, momentum, wd, nesterov);
              }
            },
            shapes(s, s, s),
            TestData.uniform(rng, s.size(), -1, 1),
            grads[0],
            new float[s.size()]);
    String what = "sgd momentum=" + momentum + " wd=" + wd + " nesterov=" + nesterov;
    assertClose(what + " param", o.expected()[0], o.actual()[0], 5, MATH_RTOL, ATOL);
    if (momentum != 0f) {
      assertClose(what + " velocity", o.expected()[2], o.actual()[2], 5, MATH_RTOL, ATOL);
    }
  }

  @ParameterizedTest(name = "decoupled={0} weightDecay={1}")
  @CsvSource({"false,0", "false,0.01", "true,0.01", "true,0"})
  void adamStepsMatchReference(boolean decoupled, float wd) {
    SplittableRandom rng = new SplittableRandom(130);
    Shape s = m(6, 9);
    int steps = 5;
    float[][] grads = new float[steps][];
    for (int i = 0; i < steps; i++) {
      grads[i] = TestData.uniform(rng, s.size(), -1, 1);
      grads[i][3] = 0f; // a zero gradient: m = v = 0 and no NaN from 0 / (0 + eps)
    }
    Outcome o =
        runBoth(
            (b, t) -> {
              for (int i = 0; i < steps; i++) {
                b.upload(grads[i], t[1]);
                b.adamStep(
                    t[0], t[1], t[2], t[3], 0.01f, 0.9f, 0.999f, 1e-8f, wd, decoupled, i + 1);
              }
            },
            shapes(s, s, s, s),
            TestData.uniform(rng, s.size(), -1, 1),
            grads[0],
            new float[s.size()],
            new float[s.size()]);
    String what = "adam decoupled=" + decoupled + " wd=" + wd;
    assertClose(what + " param", o.expected()[0], o.actual()[0], 9, MATH_RTOL, ATOL);
    assertClose(what + " m", o.expected()[2], o.actual()[2], 9, MATH_RTOL, 1e-7);
    assertClose(what + " v", o.expected()[3], o.actual()[3], 9, MATH_RTOL, 1e-9);
    assertMisuse(
        "adam step 0",
        () ->
            backend.adamStep(
                backend.zeros(s),
                backend.zeros(s),
                backend.zeros(s),
                backend.zeros(s),
                0.1f,
                0.9f,
                0.999f,
                1e-8f,
                0f,
                false,
                0),
        "0");
  }

  @Test
  void adamStepAllMatchesSingleSteps() {
    SplittableRandom rng = new SplittableRandom(140);
    Shape[] ps = {m(3, 4), m(1, 7), m(5, 1)};
    float[] lrs = {0.01f, 0.02f, 0.005f};
    int steps = 3;
    float[][][] grads = new float[steps][ps.length][];
    float[][] init = new float[ps.length * 4][];
    Shape[] all = new Shape[ps.length * 4];
    for (int p = 0; p < ps.length; p++) {
      for (int i = 0; i < steps; i++) {
        grads[i][p] = TestData.uniform(rng, ps[p].size(), -1, 1);
      }
      for (int j = 0; j < 4; j++) {
        all[p * 4 + j] = ps[p];
      }
      init[p * 4] = TestData.uniform(rng, ps[p].size(), -1, 1);
      init[p * 4 + 1] = grads[0][p];
      init[p * 4 + 2] = new float[ps[p].size()];
      init[p * 4 + 3] = new float[ps[p].size()];
    }
    for (boolean decoupled : new boolean[] {false, true}) {
      float[][] actual =
          runOn(
              backend,
              (b, t) -> {
                for (int i = 0; i < steps; i++) {
                  List<Tensor> params = new ArrayList<>();
                  List<Tensor> gs = new ArrayList<>();
                  List<Tensor> ms = new ArrayList<>();
                  List<Tensor> vs = new ArrayList<>();
                  for (int p = 0; p < ps.length; p++) {
                    b.upload(grads[i][p], t[p * 4 + 1]);
                    params.add(t[p * 4]);
                    gs.add(t[p * 4 + 1]);
                    ms.add(t[p * 4 + 2]);
                    vs.add(t[p * 4 + 3]);
                  }
                  b.adamStepAll(
                      params, gs, ms, vs, lrs, 0.9f, 0.99f, 1e-7f, 0.02f, decoupled, i + 1);
                }
              },
              all,
              init);
      float[][] expected =
          runOn(
              reference,
              (b, t) -> {
                for (int i = 0; i < steps; i++) {
                  for (int p = 0; p < ps.length; p++) {
                    b.upload(grads[i][p], t[p * 4 + 1]);
                    b.adamStep(
                        t[p * 4],
                        t[p * 4 + 1],
                        t[p * 4 + 2],
                        t[p * 4 + 3],
                        lrs[p],
                        0.9f,
                        0.99f,
                        1e-7f,
                        0.02f,
                        decoupled,
                        i + 1);
                  }
                }
              },
              all,
              init);
      for (int p = 0; p < ps.length; p++) {
        for (int j : new int[] {0, 2, 3}) {
          assertClose(
              "adamStepAll decoupled=" + decoupled + " tensor " + p + " slot " + j,
              expected[p * 4 + j],
              actual[p * 4 + j],
              ps[p].cols(),
              MATH_RTOL,
              1e-7);
        }
      }
    }
  }

  // ================================================================================ IEEE

  @Test
  void nanAndInfPropagate() {
    float nan = Float.NaN;
    float inf = Float.POSITIVE_INFINITY;
    // gemm: a NaN in row 1 of a poisons row 1 of c; an Inf in column 2 of b makes column 2 infinite
    float[] a = {1, 2, 3, nan, 1, 1};
    Outcome g =
        runBoth(
            (be, t) -> be.gemm(false, false, 1f, t[0], t[1], 0f, t[2]),
            shapes(m(2, 3), m(3, 2), m(2, 2)),
            a,
            new float[] {1, 1, 1, inf, 2, 1},
            TestData.nans(4));
    assertClose("gemm NaN/Inf", g.expected()[2], g.actual()[2], 2, ACCUMULATION_RTOL, 1e-6);
    assertTrue(
        Float.isNaN(g.actual()[2][2]) && Float.isNaN(g.actual()[2][3]),
        "gemm: NaN in a must poison its row of c");
    assertEquals(inf, g.actual()[2][1], "gemm: Inf in b must give Inf");
    // reductions: Inf + -Inf = NaN, Inf stays Inf
    float[] x = {inf, 1, -inf, 2, nan, 3, 4, 5, 6};
    Outcome r =
        runBoth(
            (be, t) -> {
              be.sumRows(t[0], t[1]);
              be.sumCols(t[0], t[2]);
              be.sumAll(t[0], t[3]);
            },
            shapes(m(3, 3), m(1, 3), m(3, 1), Shape.scalar()),
            x,
            TestData.nans(3),
            TestData.nans(3),
            TestData.nans(1));
    for (int i = 1; i <= 3; i++) {
      assertClose(
          "reduction " + i + " NaN/Inf", r.expected()[i], r.actual()[i], 3, MATH_RTOL, ATOL);
    }
    assertTrue(Float.isNaN(r.actual()[3][0]), "sumAll with NaN must be NaN");
    // softmax: a NaN row is all NaN, the other row is unaffected
    Outcome s =
        runBoth(
            (be, t) -> be.softmaxRows(t[0], t[1]),
            shapes(m(2, 3), m(2, 3)),
            new float[] {1, nan, 2, 1, 2, 3},
            TestData.nans(6));
    assertClose("softmax NaN row", s.expected()[1], s.actual()[1], 3, MATH_RTOL, ATOL);
    for (int j = 0; j < 3; j++) {
      assertTrue(Float.isNaN(s.actual()[1][j]), "softmax: NaN in a row makes the row NaN");
      assertFalse(Float.isNaN(s.actual()[1][3 + j]), "softmax: a NaN must not leak across rows");
    }
    // losses: a NaN logit of a labelled row makes the loss NaN
    Outcome l =
        runBoth(
            (be, t) -> {
              be.softmaxCrossEntropy(t[0], t[1], null, t[2], t[3]);
              be.bceWithLogits(t[4], t[5], null, t[6], null);
              be.mse(t[4], t[5], null, t[7], null);
            },
            shapes(
                m(2, 3),
                m(2, 1),
                Shape.scalar(),
                m(2, 3),
                m(2, 2),
                m(2, 2),
                Shape.scalar(),
                Shape.scalar()),
            new float[] {1, nan, 2, 1, 2, 3},
            new float[] {0, 1},
            TestData.nans(1),
            TestData.nans(6),
            new float[] {1, nan, 0, 0},
            new float[] {1, 0, 1, 0},
            TestData.nans(1),
            TestData.nans(1));
    assertTrue(Float.isNaN(l.actual()[2][0]), "cross-entropy of a NaN logit");
    assertTrue(Float.isNaN(l.actual()[6][0]), "BCE of a NaN logit");
    assertTrue(Float.isNaN(l.actual()[7][0]), "MSE of a NaN prediction");
    // dot and sumSquares
    Tensor tn = backend.fromHost(m(1, 3), new float[] {1, nan, 2});
    Tensor ti = backend.fromHost(m(1, 3), new float[] {1, inf, 2});
    assertTrue(Double.isNaN(backend.dot(tn, ti)), "dot with NaN");
    assertEquals(Double.POSITIVE_INFINITY, backend.sumSquares(ti), "sumSquares with Inf");
    assertTrue(Double.isNaN(backend.sumSquares(tn)), "sumSquares with NaN");
  }

  // ================================================================================ determinism

  private float[][] trainingLikeSequence(ComputeBackend b) {
    SplittableRandom rng = new SplittableRandom(150);
    int n = 257;
    int d = 129;
    int k = 10;
    try (TensorScope s = b.openScope()) {
      Tensor x = b.fromHost(m(n, d), TestData.uniform(rng, n * d, -1, 1));
      Tensor w = b.fromHost(m(d, k), TestData.uniform(rng, d * k, -0.3, 0.3));
      Tensor gw = b.zeros(m(d, k));
      Tensor mm = b.zeros(m(d, k));
      Tensor vv = b.zeros(m(d, k));
      Tensor labels = b.fromHost(m(n, 1), TestData.indices(rng, n, k));
      Tensor mask = b.fromHost(m(n, 1), TestData.mixedMask(rng, n));
      Tensor table = b.fromHost(m(20, d), TestData.uniform(rng, 20 * d, -1, 1));
      Tensor idx = b.fromHost(m(n, 1), TestData.indices(rng, n, 20));
      Tensor h = b.allocate(m(n, d));
      Tensor drop = b.allocate(m(n, d));
      Tensor z = b.allocate(m(n, k));
      Tensor gz = b.allocate(m(n, k));
      Tensor loss = b.allocate(Shape.scalar());
      Tensor total = b.allocate(Shape.scalar());
      for (int step = 1; step <= 3; step++) {
        b.gatherRows(table, idx, h);
        b.binary(BinaryOp.ADD, h, x, h);
        b.unary(UnaryOp.TANH, h, h);
        b.dropoutMask(1000L + step, 0.3f, drop);
        b.binary(BinaryOp.MUL, h, drop, h);
        b.gemm(false, false, 1f, h, w, 0f, z);
        b.softmaxCrossEntropy(z, labels, mask, loss, gz);
        b.gemm(true, false, 1f, h, gz, 0f, gw);
        b.adamStep(w, gw, mm, vv, 0.01f, 0.9f, 0.999f, 1e-8f, 0.01f, true, step);
        b.scatterAddRows(h, idx, table);
        b.sumAll(h, total);
      }
      b.synchronize();
      return new float[][] {
        b.toHost(w), b.toHost(table), b.toHost(loss), b.toHost(total), b.toHost(z)
      };
    }
  }

  @Test
  void identicalInputsGiveIdenticalBits() {
    float[][] first = trainingLikeSequence(backend);
    float[][] second = trainingLikeSequence(backend);
    String[] names = {"weights", "embedding table", "loss", "sumAll", "logits"};
    for (int i = 0; i < first.length; i++) {
      assertSameBits("run twice: " + names[i], first[i], second[i]);
    }
    float[][] ref = trainingLikeSequence(reference);
    assertClose("sequence loss vs reference", ref[2], first[2], 1, 1e-3, 1e-5);
  }

  // ================================================================================ autograd

  /**
   * Gradient check in float precision (see {@link GradientCheck.Settings#floatPrecision()}) of a
   * small MLP with layer normalisation feeding the three fused losses with label masks.
   */
  @Test
  void gradientCheckMlpAndLossesInFloat() {
    SplittableRandom rng = new SplittableRandom(160);
    int n = 6;
    try (Mlp mlp = new Mlp(backend, "mlp", 4, List.of(5), 6, Activation.TANH, 0f, true, 3L, 1f)) {
      for (Parameter p : mlp.parameters()) {
        backend.upload(TestData.uniform(rng, p.size(), -0.7, 0.7), p.value());
      }
      Tensor x = backend.fromHost(m(n, 4), TestData.uniform(rng, n * 4, -1, 1));
      Tensor labels = backend.fromHost(m(n, 1), new float[] {0, 2, 1, -1, 2, 0});
      Tensor rowMask = backend.fromHost(m(n, 1), new float[] {1, 1, 1, 0, 1, 1});
      Tensor yBinary = backend.fromHost(m(n, 2), TestData.zeroOne(rng, n * 2, 0.5));
      float[] reg = TestData.uniform(rng, n, -1, 1);
      float[] regMask = TestData.mixedMask(rng, n);
      for (int i = 0; i < n; i++) {
        reg[i] = regMask[i] == 0f ? Float.NaN : reg[i];
      }
      Tensor yReg = backend.fromHost(m(n, 1), reg);
      Tensor mReg = backend.fromHost(m(n, 1), regMask);
      GradientCheck.Report r =
          GradientCheck.check(
              backend,
              mlp.parameters(),
              List.of(x),
              (g, l) -> {
                Var out = mlp.forward(g, l.get(0), Mode.TRAIN);
                Var ce = g.softmaxCrossEntropy(g.sliceColumns(out, 0, 3), labels, rowMask);
                Var bce = g.bceWithLogits(g.sliceColumns(out, 3, 2), yBinary, rowMask);
                Var mse = g.mse(g.sliceColumns(out, 5, 1), yReg, mReg);
                return g.sumOf(List.of(ce, g.scale(bce, 0.5f), mse));
              },
              GradientCheck.Settings.floatPrecision());
      assertTrue(r.elementsChecked() >= 60, "checked " + r.elementsChecked() + " entries");
    }
  }

  /** Gradient check in float of the remaining graph operations: embeddings, dropout, softmax. */
  @Test
  void gradientCheckGraphOpsInFloat() {
    SplittableRandom rng = new SplittableRandom(161);
    try (Embedding emb = new Embedding(backend, "emb", 5, 4, 9L)) {
      Tensor idx = backend.fromHost(m(6, 1), new float[] {4, 1, 4, 0, 2, 4});
      Tensor w = backend.fromHost(m(4, 3), TestData.uniform(rng, 12, -1, 1));
      Tensor bias = backend.fromHost(m(1, 3), TestData.uniform(rng, 3, -1, 1));
      Tensor proj = backend.fromHost(m(6, 3), TestData.uniform(rng, 18, -1, 1));
      Tensor den = backend.fromHost(m(6, 1), TestData.uniform(rng, 6, 1, 2));
      GradientCheck.check(
          backend,
          emb.parameters(),
          List.of(w, bias, den),
          (g, l) -> {
            Var h = g.gelu(g.dropout(emb.lookup(g, idx), 0.25f));
            Var z = g.linear(h, l.get(0), l.get(1));
            Var s = g.div(g.softmax(z), l.get(2));
            Var ls = g.logSoftmax(g.matmul(g.sigmoid(z), l.get(0), false, true));
            return g.sumOf(List.of(g.sum(g.mul(s, g.constant(proj))), g.mean(ls)));
          },
          GradientCheck.Settings.floatPrecision());
    }
  }

  // ================================================================================ images

  /**
   * The image primitives (convolution, pooling, batch norm, reshape) against the reference: see
   * {@link ImagePrimitivesContract}.
   */
  @TestFactory
  java.util.List<DynamicTest> imagePrimitives() {
    return new ImagePrimitivesContract(backend, reference).tests();
  }

  /**
   * Gradient checks in float of the image operations and layers: see {@link ImageGradientChecks}.
   */
  @TestFactory
  java.util.List<DynamicTest> imageGradientChecksInFloat() {
    return new ImageGradientChecks(backend).tests();
  }

  // ================================================================================ threads

  private static float[] threadWork(ComputeBackend b, float[] x, float[] w) {
    try (TensorScope s = b.openScope()) {
      Tensor tx = b.fromHost(m(40, 30), x);
      Tensor tw = b.fromHost(m(30, 20), w);
      Tensor z = b.allocate(m(40, 20));
      b.gemm(false, false, 1f, tx, tw, 0f, z);
      b.unary(UnaryOp.TANH, z, z);
      b.softmaxRows(z, z);
      Tensor col = b.allocate(m(40, 1));
      b.sumCols(z, col);
      b.binary(BinaryOp.MUL, z, col, z);
      b.synchronize();
      return b.toHost(z);
    }
  }

  /**
   * The class comment's promise: several threads may use one backend at once, each with its own
   * scopes. Four threads run the same small pipeline on their own data; every result must equal the
   * single-threaded one and nothing may leak.
   */
  @Test
  void concurrentUseFromSeveralThreadsWithTheirOwnScopes() throws Exception {
    int threads = 4;
    int rounds = 15;
    SplittableRandom rng = new SplittableRandom(170);
    float[][] xs = new float[threads][];
    float[][] ws = new float[threads][];
    float[][] expected = new float[threads][];
    for (int t = 0; t < threads; t++) {
      xs[t] = TestData.uniform(rng, 40 * 30, -1, 1);
      ws[t] = TestData.uniform(rng, 30 * 20, -1, 1);
      expected[t] = threadWork(backend, xs[t], ws[t]);
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
      List<java.util.concurrent.Future<String>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int r = 0; r < rounds; r++) {
                    float[] got = threadWork(backend, xs[id], ws[id]);
                    for (int i = 0; i < got.length; i++) {
                      if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(expected[id][i])) {
                        return "thread "
                            + id
                            + " round "
                            + r
                            + " element "
                            + i
                            + ": "
                            + got[i]
                            + " instead of "
                            + expected[id][i];
                      }
                    }
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<String> f : results) {
        String problem = f.get(120, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(problem == null, problem);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  // ================================================================================ misuse

  /** The message {@code op} fails with on {@code b}, on zero tensors of {@code shapes}. */
  private static String misuseMessage(String what, ComputeBackend b, Op op, Shape... shapes) {
    try (TensorScope s = b.openScope()) {
      Tensor[] t = new Tensor[shapes.length];
      for (int i = 0; i < shapes.length; i++) {
        t[i] = b.zeros(shapes[i]);
      }
      RuntimeException e =
          assertMisuse(
              what + " on " + b.name(),
              () -> {
                op.run(b, t);
                b.synchronize();
              });
      return e.getMessage();
    }
  }

  /** Asserts that {@code op} fails on the backend with exactly the reference's message. */
  private void sameMisuse(String what, Op op, Shape... shapes) {
    assertEquals(
        misuseMessage(what, reference, op, shapes),
        misuseMessage(what, backend, op, shapes),
        what + ": every backend gives the message of OpChecks");
  }

  /** {@code adamStepAll} of parameters t0, t1 with moments t2, t3 and t4, t5. */
  private static Op adamStepAllOf(float[] lrs) {
    return (b, t) ->
        b.adamStepAll(
            List.of(t[0], t[1]),
            List.of(t[0], t[1]),
            List.of(t[2], t[3]),
            List.of(t[4], t[5]),
            lrs,
            0.9f,
            0.99f,
            1e-8f,
            0f,
            true,
            1);
  }

  @Test
  void misuseGivesTheSameMessageAsTheReference() {
    Shape s34 = m(3, 4);
    sameMisuse(
        "gemm inner", (b, t) -> b.gemm(false, false, 1f, t[0], t[1], 0f, t[2]), s34, s34, m(3, 3));
    sameMisuse(
        "gemm c aliases b", (b, t) -> b.gemm(false, false, 1f, t[0], t[0], 0f, t[0]), m(3, 3));
    sameMisuse(
        "binary broadcast", (b, t) -> b.binary(BinaryOp.SUB, t[0], t[1], t[0]), s34, m(2, 4));
    sameMisuse("binary null op", (b, t) -> b.binary(null, t[0], t[0], t[0]), s34);
    sameMisuse("unary out", (b, t) -> b.unary(UnaryOp.GELU, t[0], t[1]), s34, m(4, 3));
    sameMisuse(
        "unaryBackward gradIn",
        (b, t) -> b.unaryBackward(UnaryOp.SIGMOID, t[0], t[0], t[0], t[1]),
        s34,
        m(3, 1));
    sameMisuse("sumCols", (b, t) -> b.sumCols(t[0], t[1]), s34, m(4, 1));
    sameMisuse("logSoftmaxRows", (b, t) -> b.logSoftmaxRows(t[0], t[1]), s34, m(3, 3));
    sameMisuse(
        "softmaxCrossEntropy mask",
        (b, t) -> b.softmaxCrossEntropy(t[0], t[1], t[2], t[3], null),
        s34,
        m(3, 1),
        m(3, 2),
        Shape.scalar());
    sameMisuse(
        "softmaxCrossEntropy label",
        (b, t) -> {
          b.fill(t[1], 4f);
          b.softmaxCrossEntropy(t[0], t[1], null, t[2], null);
        },
        s34,
        m(3, 1),
        Shape.scalar());
    sameMisuse(
        "bceWithLogits gradient",
        (b, t) -> b.bceWithLogits(t[0], t[0], null, t[1], t[2]),
        s34,
        Shape.scalar(),
        m(4, 3));
    sameMisuse(
        "mse mask", (b, t) -> b.mse(t[0], t[0], t[1], t[2], null), s34, m(3, 2), Shape.scalar());
    sameMisuse(
        "gatherRows index",
        (b, t) -> {
          b.fill(t[1], 1.5f);
          b.gatherRows(t[0], t[1], t[2]);
        },
        s34,
        m(2, 1),
        m(2, 4));
    sameMisuse(
        "scatterAddRows src", (b, t) -> b.scatterAddRows(t[0], t[1], t[2]), m(2, 3), m(2, 1), s34);
    sameMisuse("copyColumns", (b, t) -> b.copyColumns(t[0], 3, t[1], 0, 2), s34, s34);
    sameMisuse("upload", (b, t) -> b.upload(new float[11], t[0]), s34);
    sameMisuse("download", (b, t) -> b.download(t[0], new float[11]), s34);
    sameMisuse("dropoutMask", (b, t) -> b.dropoutMask(3L, 1f, t[0]), s34);
    sameMisuse(
        "sgdStep velocity",
        (b, t) -> b.sgdStep(t[0], t[0], t[1], 0.1f, 0.9f, 0f, true),
        s34,
        m(4, 3));
    sameMisuse(
        "adamStep step 0",
        (b, t) -> b.adamStep(t[0], t[0], t[1], t[2], 0.1f, 0.9f, 0.99f, 1e-8f, 0f, false, 0),
        s34,
        s34,
        s34);
    Shape p2 = m(2, 2);
    sameMisuse("adamStepAll lengths", adamStepAllOf(new float[] {0.1f}), s34, p2, s34, p2, s34, p2);
    sameMisuse(
        "adamStepAll second parameter",
        adamStepAllOf(new float[] {0.1f, 0.1f}),
        s34,
        p2,
        s34,
        p2,
        s34,
        m(2, 1));
    Shape img = Shape.of(1, 2, 4, 4);
    Pool2dParams same = Pool2dParams.of(3, 1, 1);
    sameMisuse(
        "conv2d out aliases x",
        (b, t) -> b.conv2d(t[0], t[1], null, Conv2dParams.of(1, 1, 1), t[0]),
        img,
        Shape.of(2, 2, 3, 3));
    sameMisuse("maxPool2d out aliases x", (b, t) -> b.maxPool2d(t[0], same, t[0], null), img);
    sameMisuse("avgPool2d out aliases x", (b, t) -> b.avgPool2d(t[0], same, t[0]), img);
    sameMisuse(
        "maxPool2dBackward gradIn aliases gradOut",
        (b, t) -> b.maxPool2dBackward(t[0], t[1], t[0]),
        img,
        img);
    sameMisuse(
        "batchNorm2dBackward gradIn aliases x",
        (b, t) -> b.batchNorm2dBackward(t[0], t[1], t[2], t[2], t[2], true, t[0], null, null),
        img,
        img,
        m(1, 2));
    sameMisuse(
        "batchNorm2dTraining momentum",
        (b, t) -> b.batchNorm2dTraining(t[0], t[1], t[1], 1e-5f, 2f, null, null, t[0], t[1], t[1]),
        img,
        m(1, 2));
  }

  @Test
  void shapeMismatchesNameTheShapes() {
    ComputeBackend b = backend;
    Tensor a34 = b.zeros(m(3, 4));
    Tensor a24 = b.zeros(m(2, 4));
    Tensor a43 = b.zeros(m(4, 3));
    Tensor a52 = b.zeros(m(5, 2));
    Tensor a32 = b.zeros(m(3, 2));
    assertMisuse(
        "binary broadcast", () -> b.binary(BinaryOp.ADD, a34, a24, a34), "[3, 4]", "[2, 4]");
    assertMisuse("binary out", () -> b.binary(BinaryOp.MUL, a34, a34, a43), "[3, 4]", "[4, 3]");
    assertMisuse(
        "gemm inner", () -> b.gemm(false, false, 1f, a34, a52, 0f, a32), "[3, 4]", "[5, 2]");
    assertMisuse("gemm c", () -> b.gemm(false, false, 1f, a34, a43, 0f, a32), "[3, 2]");
    Tensor sq = b.zeros(m(3, 3));
    assertMisuse("gemm c aliases a", () -> b.gemm(false, false, 1f, sq, sq, 0f, sq), "[3, 3]");
    assertMisuse("copy", () -> b.copy(a34, a43), "[3, 4]", "[4, 3]");
    assertMisuse("axpby", () -> b.axpby(1f, a34, 1f, a24), "[3, 4]", "[2, 4]");
    assertMisuse("affine", () -> b.affine(a34, 1f, 0f, a24), "[3, 4]", "[2, 4]");
    assertMisuse("dot", () -> b.dot(a34, a43), "[3, 4]", "[4, 3]");
    assertMisuse("unary", () -> b.unary(UnaryOp.EXP, a34, a43), "[3, 4]", "[4, 3]");
    assertMisuse(
        "unaryBackward", () -> b.unaryBackward(UnaryOp.TANH, a34, a34, a24, a34), "[2, 4]");
    assertMisuse("sumRows", () -> b.sumRows(a34, b.zeros(m(1, 3))), "[1, 3]");
    assertMisuse("sumCols", () -> b.sumCols(a34, b.zeros(m(4, 1))), "[4, 1]");
    assertMisuse("sumAll", () -> b.sumAll(a34, a24), "[2, 4]");
    assertMisuse("argmaxRows", () -> b.argmaxRows(a34, b.zeros(m(4, 1))), "[4, 1]");
    assertMisuse("softmaxRows", () -> b.softmaxRows(a34, a43), "[3, 4]", "[4, 3]");
    assertMisuse("copyColumns range", () -> b.copyColumns(a34, 2, a32, 0, 3), "[3, 4]", "[3, 2]");
    assertMisuse("copyColumns rows", () -> b.copyColumns(a34, 0, a24, 0, 2), "[3, 4]", "[2, 4]");
    Tensor scalar = b.zeros(Shape.scalar());
    assertMisuse(
        "softmaxCrossEntropy labels",
        () -> b.softmaxCrossEntropy(a34, a32, null, scalar, null),
        "[3, 2]");
    assertMisuse(
        "bce targets", () -> b.bceWithLogits(a34, a43, null, scalar, null), "[3, 4]", "[4, 3]");
    assertMisuse("mse mask", () -> b.mse(a34, a34, a32, scalar, null), "[3, 2]");
    assertMisuse("mse loss", () -> b.mse(a34, a34, null, a24, null), "[2, 4]");
    assertMisuse("gatherRows out", () -> b.gatherRows(a34, b.zeros(m(2, 1)), a34), "[3, 4]");
    assertMisuse(
        "sgdStep", () -> b.sgdStep(a34, a24, null, 0.1f, 0f, 0f, false), "[3, 4]", "[2, 4]");
    assertMisuse(
        "adamStep",
        () -> b.adamStep(a34, a34, a34, a43, 0.1f, 0.9f, 0.99f, 1e-8f, 0f, false, 1),
        "[4, 3]");
    assertMisuse("upload length", () -> b.upload(new float[5], a34), "[3, 4]");
    assertMisuse(
        "uploadRows row index", () -> b.uploadRows(new float[8], new int[] {0, 2, 1}, a34), "2");
    assertMisuse(
        "uploadRows rows", () -> b.uploadRows(new float[16], new int[] {0, 1}, a34), "[3, 4]");
    assertMisuse("download length", () -> b.download(a34, new float[5]), "[3, 4]");
  }

  @Test
  void closedTensorsAreRejected() {
    Tensor t = backend.zeros(m(2, 3));
    Tensor u = backend.zeros(m(2, 3));
    t.close();
    assertTrue(t.isClosed());
    t.close(); // closing twice is allowed
    assertMisuse("fill closed", () -> backend.fill(t, 1f), "[2, 3]", "closed");
    assertMisuse("download closed", () -> backend.download(t, new float[6]), "[2, 3]", "closed");
    assertMisuse(
        "binary with closed operand",
        () -> backend.binary(BinaryOp.ADD, u, t, u),
        "[2, 3]",
        "closed");
    assertMisuse(
        "unary into closed output", () -> backend.unary(UnaryOp.EXP, u, t), "[2, 3]", "closed");
    assertFalse(u.isClosed(), "an unrelated tensor stays open");
  }

  @Test
  void tensorsOfAnotherBackendInstanceAreRejected() {
    try (ComputeBackend other = createBackend()) {
      Tensor foreign = other.zeros(m(2, 5));
      Tensor mine = backend.zeros(m(2, 5));
      assertMisuse(
          "binary with a foreign operand",
          () -> backend.binary(BinaryOp.ADD, mine, foreign, mine),
          "[2, 5]");
      assertMisuse("copy into a foreign tensor", () -> backend.copy(mine, foreign), "[2, 5]");
      assertMisuse(
          "download a foreign tensor", () -> backend.download(foreign, new float[10]), "[2, 5]");
      Tensor ref = reference.zeros(m(2, 5));
      try {
        if (!backend.getClass().equals(reference.getClass())) {
          assertMisuse("a reference tensor", () -> backend.copy(ref, mine), "[2, 5]");
        }
      } finally {
        ref.close();
      }
    }
  }

  // ================================================================================ scopes

  @Test
  void scopedTensorsDieWhenTheScopeCloses() {
    long base = backend.memoryStats().liveTensors();
    long bytesBase = backend.memoryStats().bytesInUse();
    Tensor a;
    Tensor b;
    try (TensorScope s = backend.openScope()) {
      a = backend.allocate(m(10, 10));
      b = backend.zeros(m(3, 7));
      Tensor c = backend.fromHost(m(1, 2), new float[] {1, 2});
      assertEquals(3, s.liveTensors(), "scope owns its three tensors");
      assertEquals(base + 3, backend.memoryStats().liveTensors());
      assertTrue(
          backend.memoryStats().bytesInUse() >= bytesBase + 4L * (100 + 21 + 2),
          "bytesInUse counts the live tensors");
      c.close();
      assertEquals(2, s.liveTensors(), "a tensor closed early leaves its scope");
      assertEquals(base + 2, backend.memoryStats().liveTensors());
    }
    assertTrue(a.isClosed() && b.isClosed(), "scope close releases its tensors");
    assertEquals(base, backend.memoryStats().liveTensors(), "live tensors back to baseline");
    assertMisuse("use after scope close", () -> backend.fill(a, 0f), "[10, 10]");
  }

  @Test
  void nestedScopesAndDetach() {
    long base = backend.memoryStats().liveTensors();
    TensorScope outer = backend.openScope();
    Tensor o1 = backend.zeros(m(2, 2));
    Tensor kept;
    Tensor dies;
    try (TensorScope inner = backend.openScope()) {
      kept = backend.fromHost(m(1, 3), new float[] {1, 2, 3});
      dies = backend.zeros(m(4, 4));
      assertSame(kept, inner.detach(kept), "detach returns the tensor");
      assertEquals(1, inner.liveTensors());
      assertEquals(2, outer.liveTensors(), "a detached tensor moves to the enclosing scope");
      assertMisuse("detach a tensor of another scope", () -> inner.detach(o1), "[2, 2]");
    }
    assertTrue(dies.isClosed(), "inner scope closes its own tensors");
    assertFalse(kept.isClosed(), "detached tensor survives the inner scope");
    assertFalse(o1.isClosed(), "outer tensors survive the inner scope");
    assertSameBits("detached tensor keeps its data", new float[] {1, 2, 3}, backend.toHost(kept));
    assertEquals(base + 2, backend.memoryStats().liveTensors());
    outer.close();
    assertTrue(kept.isClosed() && o1.isClosed(), "the outer scope closes what was detached");
    assertEquals(base, backend.memoryStats().liveTensors());
  }

  @Test
  void persistentTensorsBelongToTheCallerEvenInsideScopes() {
    long base = backend.memoryStats().liveTensors();
    Tensor kept;
    Tensor zeros;
    Tensor scoped;
    try (TensorScope s = backend.openScope()) {
      kept = backend.allocatePersistent(m(3, 4));
      zeros = backend.persistentZeros(m(2, 2));
      Tensor copy = backend.persistentFromHost(m(1, 3), new float[] {1, 2, 3});
      scoped = backend.allocate(m(1, 1));
      assertEquals(1, s.liveTensors(), "persistent tensors are not owned by the open scope");
      assertEquals(base + 4, backend.memoryStats().liveTensors());
      assertSameBits("persistentFromHost", new float[] {1, 2, 3}, backend.toHost(copy));
      copy.close();
    }
    assertTrue(scoped.isClosed());
    assertFalse(kept.isClosed() || zeros.isClosed(), "persistent tensors survive the scope");
    assertSameBits("persistentZeros", new float[4], backend.toHost(zeros));
    backend.fill(kept, 2f);
    assertSameBits(
        "a persistent tensor stays usable", TestData.filled(12, 2f), backend.toHost(kept));
    assertEquals(base + 2, backend.memoryStats().liveTensors());
    kept.close();
    zeros.close();
    assertEquals(base, backend.memoryStats().liveTensors());
    ComputeBackend other = createBackend();
    Tensor p = other.allocatePersistent(m(2, 2));
    other.close();
    assertTrue(p.isClosed(), "closing the backend closes its persistent tensors");
  }

  @Test
  void scopesCloseInnermostFirst() {
    TensorScope outer = backend.openScope();
    TensorScope inner = backend.openScope();
    Tensor t = backend.zeros(m(1, 1));
    assertMisuse("closing the outer scope first", outer::close);
    assertFalse(t.isClosed());
    inner.close();
    outer.close();
    assertTrue(t.isClosed());
  }

  @Test
  void tensorsOutsideScopesBelongToTheCallerAndDieWithTheBackend() {
    ComputeBackend other = createBackend();
    long base = other.memoryStats().liveTensors();
    Tensor t = other.zeros(m(3, 3));
    Tensor u = other.zeros(m(1, 4));
    assertEquals(base + 2, other.memoryStats().liveTensors());
    u.close();
    assertEquals(base + 1, other.memoryStats().liveTensors());
    other.close();
    assertTrue(t.isClosed(), "closing the backend closes its tensors");
    assertMisuse("allocate on a closed backend", () -> other.allocate(m(1, 1)));
  }
}
