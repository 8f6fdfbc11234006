package org.mtl4j.api.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.GradientCheck;
import org.mtl4j.api.testing.GradientCheck.Report;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.testing.TestData;

/**
 * Finite-difference checks of every differentiable {@link Graph} operation, in double precision.
 */
class GraphGradientTest {
  private ReferenceBackend b;
  private SplittableRandom rng;
  private final Map<Shape, float[]> projections = new HashMap<>();

  @BeforeEach
  void setUp() {
    b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
    rng = new SplittableRandom(2024);
  }

  @AfterEach
  void tearDown() {
    b.close();
  }

  private Tensor tensor(Shape s, double lo, double hi) {
    return b.fromHost(s, TestData.uniform(rng, s.size(), lo, hi));
  }

  private Tensor tensor(int rows, int cols) {
    return tensor(Shape.matrix(rows, cols), -1, 1);
  }

  /** {@code sum(v * R)} for a fixed random R of v's shape: a scalar with a non-uniform gradient. */
  private Var project(Graph g, Var v) {
    float[] r =
        projections.computeIfAbsent(
            v.shape(), s -> TestData.uniform(new SplittableRandom(s.hashCode()), s.size(), -1, 1));
    return g.sum(g.mul(v, g.constant(b.fromHost(v.shape(), r))));
  }

  private Report check(List<Tensor> leaves, GradientCheck.Objective f) {
    Report r = GradientCheck.check(b, List.of(), leaves, f);
    assertTrue(r.elementsChecked() > 0);
    return r;
  }

  @ParameterizedTest(name = "transA={0} transB={1}")
  @CsvSource({"false,false", "false,true", "true,false", "true,true"})
  void matmulAllTransposes(boolean ta, boolean tb) {
    int m = 3;
    int n = 4;
    int k = 5;
    Tensor a = ta ? tensor(k, m) : tensor(m, k);
    Tensor c = tb ? tensor(n, k) : tensor(k, n);
    check(List.of(a, c), (g, l) -> project(g, g.matmul(l.get(0), l.get(1), ta, tb)));
  }

  @Test
  void matmulWithTheSameVarTwice() {
    Tensor a = tensor(4, 4);
    check(List.of(a), (g, l) -> project(g, g.matmul(l.get(0), l.get(0), true, false)));
  }

  @Test
  void linearWithAndWithoutBias() {
    Tensor x = tensor(5, 3);
    Tensor w = tensor(3, 4);
    Tensor bias = tensor(1, 4);
    check(List.of(x, w, bias), (g, l) -> project(g, g.linear(l.get(0), l.get(1), l.get(2))));
    check(List.of(x, w), (g, l) -> project(g, g.linear(l.get(0), l.get(1), null)));
  }

  @ParameterizedTest
  @EnumSource(
      value = BinaryOp.class,
      names = {"ADD", "SUB", "MUL", "DIV"})
  void binaryEveryBroadcast(BinaryOp op) {
    Shape sa = Shape.matrix(4, 3);
    Shape[] bs = {sa, Shape.row(3), Shape.column(4), Shape.scalar()};
    for (Shape sb : bs) {
      Tensor a = tensor(sa, -2, 2);
      Tensor c =
          op == BinaryOp.DIV
              ? b.fromHost(sb, TestData.awayFromZero(rng, sb.size(), 0.5, 2))
              : tensor(sb, -2, 2);
      check(List.of(a, c), (g, l) -> project(g, g.binary(op, l.get(0), l.get(1))));
    }
    Tensor a = tensor(sa, 0.5, 2);
    // the same var through two paths: the gradients must add up
    check(List.of(a), (g, l) -> project(g, g.binary(op, l.get(0), g.sigmoid(l.get(0)))));
    if (op == BinaryOp.ADD || op == BinaryOp.MUL) {
      check(List.of(a), (g, l) -> project(g, g.binary(op, l.get(0), l.get(0))));
    }
  }

  @Test
  void namedBinaryOpsMatchBinary() {
    Tensor a = tensor(2, 3);
    Tensor c = b.fromHost(Shape.row(3), TestData.awayFromZero(rng, 3, 0.5, 2));
    check(
        List.of(a, c),
        (g, l) -> {
          Var x = l.get(0);
          Var y = l.get(1);
          return g.sumOf(
              List.of(
                  project(g, g.add(x, y)),
                  project(g, g.sub(x, y)),
                  project(g, g.mul(x, y)),
                  project(g, g.div(x, y))));
        });
  }

  @Test
  void scaleAndAddScalar() {
    Tensor a = tensor(3, 5);
    check(List.of(a), (g, l) -> project(g, g.scale(l.get(0), -2.5f)));
    check(List.of(a), (g, l) -> project(g, g.square(g.addScalar(l.get(0), 0.75f))));
  }

  @ParameterizedTest
  @EnumSource(UnaryOp.class)
  void everyUnary(UnaryOp op) {
    Shape s = Shape.matrix(3, 4);
    Tensor a =
        switch (op) {
          case LOG, SQRT -> tensor(s, 0.2, 3);
          case RELU, ABS -> b.fromHost(s, TestData.awayFromZero(rng, s.size(), 0.05, 2));
          default -> tensor(s, -2, 2);
        };
    check(List.of(a), (g, l) -> project(g, g.unary(op, l.get(0))));
  }

  @Test
  void namedUnaryOps() {
    Tensor a = tensor(Shape.matrix(2, 3), 0.2, 2);
    check(
        List.of(a),
        (g, l) -> {
          Var x = l.get(0);
          return g.sumOf(
              List.of(
                  project(g, g.relu(x)),
                  project(g, g.sigmoid(x)),
                  project(g, g.tanh(x)),
                  project(g, g.gelu(x)),
                  project(g, g.exp(x)),
                  project(g, g.log(x)),
                  project(g, g.sqrt(x)),
                  project(g, g.square(x))));
        });
  }

  @Test
  void reductions() {
    for (Shape s :
        new Shape[] {Shape.matrix(3, 4), Shape.row(5), Shape.column(5), Shape.scalar()}) {
      Tensor a = tensor(s, -1, 1);
      check(List.of(a), (g, l) -> g.square(g.sum(l.get(0))));
      check(List.of(a), (g, l) -> g.square(g.mean(l.get(0))));
      check(List.of(a), (g, l) -> project(g, g.square(g.sumRows(l.get(0)))));
      check(List.of(a), (g, l) -> project(g, g.square(g.sumCols(l.get(0)))));
    }
  }

  @Test
  void softmaxAndLogSoftmax() {
    for (Shape s : new Shape[] {Shape.matrix(3, 4), Shape.row(5), Shape.matrix(4, 2)}) {
      Tensor a = tensor(s, -3, 3);
      check(List.of(a), (g, l) -> project(g, g.softmax(l.get(0))));
      check(List.of(a), (g, l) -> project(g, g.logSoftmax(l.get(0))));
    }
  }

  @Test
  void sliceAndConcatColumns() {
    Tensor a = tensor(3, 6);
    Tensor c = tensor(3, 2);
    check(List.of(a), (g, l) -> project(g, g.sliceColumns(l.get(0), 1, 3)));
    check(List.of(a), (g, l) -> project(g, g.sliceColumns(l.get(0), 0, 6)));
    check(
        List.of(a, c),
        (g, l) ->
            project(
                g, g.concatColumns(List.of(l.get(1), g.sliceColumns(l.get(0), 2, 3), l.get(1)))));
  }

  @Test
  void dropoutWithFixedSeed() {
    Tensor a = tensor(6, 7);
    Report r = check(List.of(a), (g, l) -> project(g, g.dropout(l.get(0), 0.3f)));
    assertTrue(r.maxAbsGradient() > 1.0, "kept elements are scaled by 1/(1-p)");
    check(List.of(a), (g, l) -> project(g, g.dropout(g.dropout(l.get(0), 0.5f), 0.2f)));
  }

  @Test
  void gatherWithRepeatedIndices() {
    Tensor table = tensor(5, 3);
    Tensor idx = b.fromHost(Shape.column(6), new float[] {4, 0, 4, 2, 4, 1});
    check(List.of(table), (g, l) -> project(g, g.gather(l.get(0), idx)));
  }

  @Test
  void softmaxCrossEntropyWithMasks() {
    Tensor logits = tensor(Shape.matrix(6, 4), -2, 2);
    Tensor labels = b.fromHost(Shape.column(6), new float[] {0, 3, 1, -1, 2, 9});
    Tensor allLabels = b.fromHost(Shape.column(6), new float[] {0, 3, 1, 1, 2, 3});
    Tensor mask = b.fromHost(Shape.column(6), new float[] {1, 1, 1, 0, 1, 0});
    Tensor none = b.fromHost(Shape.column(6), new float[6]);
    check(List.of(logits), (g, l) -> g.softmaxCrossEntropy(l.get(0), allLabels, null));
    check(List.of(logits), (g, l) -> g.softmaxCrossEntropy(l.get(0), labels, mask));
    // a loss of a transformed input: the upstream gradient is not 1
    check(
        List.of(logits), (g, l) -> g.square(g.softmaxCrossEntropy(g.tanh(l.get(0)), labels, mask)));
    Report zero =
        GradientCheck.check(
            b,
            List.of(),
            List.of(logits),
            (g, l) -> g.softmaxCrossEntropy(l.get(0), labels, none),
            GradientCheck.Settings.doublePrecision().withAllowAllZero(true));
    assertEquals(0.0, zero.maxAbsGradient(), "fully masked loss has no gradient");
    assertEquals(0.0, zero.loss());
  }

  private void checkElementLoss(boolean bce) {
    int n = 5;
    int k = 3;
    Shape s = Shape.matrix(n, k);
    Tensor x = tensor(s, -2, 2);
    float[] y = bce ? TestData.zeroOne(rng, n * k, 0.5) : TestData.uniform(rng, n * k, -1, 1);
    float[] full = TestData.mixedMask(rng, n * k);
    float[] column = {1, 0, 1, 1, 0};
    float[] yFull = y.clone();
    float[] yColumn = y.clone();
    for (int i = 0; i < n * k; i++) {
      if (full[i] == 0f) {
        yFull[i] = Float.NaN; // unlabelled entries may hold anything
      }
      if (column[i / k] == 0f) {
        yColumn[i] = Float.NaN;
      }
    }
    Tensor target = b.fromHost(s, y);
    Tensor targetFull = b.fromHost(s, yFull);
    Tensor targetColumn = b.fromHost(s, yColumn);
    Tensor maskFull = b.fromHost(s, full);
    Tensor maskColumn = b.fromHost(Shape.column(n), column);
    Tensor maskNone = b.fromHost(Shape.column(n), new float[n]);
    GradientCheck.Objective none =
        (g, l) -> bce ? g.bceWithLogits(l.get(0), target, null) : g.mse(l.get(0), target, null);
    GradientCheck.Objective fullMask =
        (g, l) ->
            bce
                ? g.bceWithLogits(l.get(0), targetFull, maskFull)
                : g.mse(l.get(0), targetFull, maskFull);
    GradientCheck.Objective columnMask =
        (g, l) ->
            bce
                ? g.bceWithLogits(g.sigmoid(l.get(0)), targetColumn, maskColumn)
                : g.mse(g.tanh(l.get(0)), targetColumn, maskColumn);
    check(List.of(x), none);
    check(List.of(x), fullMask);
    check(List.of(x), columnMask);
    Report zero =
        GradientCheck.check(
            b,
            List.of(),
            List.of(x),
            (g, l) ->
                bce
                    ? g.bceWithLogits(l.get(0), targetColumn, maskNone)
                    : g.mse(l.get(0), targetColumn, maskNone),
            GradientCheck.Settings.doublePrecision().withAllowAllZero(true));
    assertEquals(0.0, zero.maxAbsGradient());
    assertEquals(0.0, zero.loss());
  }

  @Test
  void bceWithLogitsWithMasks() {
    checkElementLoss(true);
  }

  @Test
  void mseWithMasks() {
    checkElementLoss(false);
  }

  @Test
  void sumOfLosses() {
    Tensor x = tensor(4, 3);
    Tensor labels = b.fromHost(Shape.column(4), new float[] {2, 0, 1, 1});
    Tensor target = tensor(Shape.matrix(4, 3), -1, 1);
    check(
        List.of(x),
        (g, l) ->
            g.sumOf(
                List.of(
                    g.softmaxCrossEntropy(l.get(0), labels, null),
                    g.scale(g.mse(l.get(0), target, null), 0.5f),
                    project(g, g.exp(l.get(0))))));
  }

  @Test
  void gradWithSeedsEqualsGradOfTheWeightedSum() {
    Tensor x = tensor(3, 4);
    Tensor w = tensor(4, 2);
    Tensor seed = tensor(3, 2);
    try (TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      Var xv = g.leaf(x);
      Var wv = g.leaf(w);
      Var h = g.tanh(g.matmul(xv, wv));
      Map<Var, Tensor> viaSeeds = g.grad(Map.of(h, seed), List.of(xv, wv, h));
      Var explicit = g.sum(g.mul(h, g.constant(seed)));
      Map<Var, Tensor> viaLoss = g.grad(explicit, List.of(xv, wv, h));
      for (Var v : List.of(xv, wv, h)) {
        double[] e = b.doubles(viaLoss.get(v));
        double[] a = b.doubles(viaSeeds.get(v));
        for (int i = 0; i < e.length; i++) {
          assertEquals(e[i], a[i], 1e-12, "seeded gradient of " + v + " at " + i);
        }
      }
      assertTrue(viaSeeds.get(h) != seed, "grad() returns a copy of a seed, not the seed");
    }
  }

  @Test
  void backwardWithSeedsFillsParameterGradients() {
    Parameter p =
        new Parameter("p", b, Shape.matrix(4, 2), TestData.uniform(rng, 8, -1, 1), 1f, true);
    Tensor x = tensor(3, 4);
    Tensor seed = tensor(3, 2);
    try (TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      Var h = g.tanh(g.matmul(g.constant(x), g.param(p)));
      Map<Var, Tensor> expected = g.grad(g.sum(g.mul(h, g.constant(seed))), List.of(g.param(p)));
      g.backward(Map.of(h, seed));
      double[] e = b.doubles(expected.get(g.param(p)));
      double[] a = b.doubles(p.grad());
      for (int i = 0; i < e.length; i++) {
        assertEquals(e[i], a[i], 1e-12, "backward(seeds) into p.grad at " + i);
      }
      g.backward(Map.of(h, seed));
      double[] twice = b.doubles(p.grad());
      for (int i = 0; i < e.length; i++) {
        assertEquals(2 * e[i], twice[i], 1e-12, "backward accumulates at " + i);
      }
    }
  }

  @Test
  void backwardAddsEveryUseOfAParameterIntoItsGradient() {
    // p is the right operand of one product and the (transposed) left operand of another, so
    // backward writes into p.grad in place from both; grad() takes the path through temporaries.
    Parameter p =
        new Parameter("p", b, Shape.matrix(4, 4), TestData.uniform(rng, 16, -1, 1), 1f, true);
    Tensor x = tensor(3, 4);
    Tensor y = tensor(4, 3);
    Tensor before = b.fromHost(Shape.matrix(4, 4), TestData.uniform(rng, 16, -1, 1));
    b.copy(before, p.grad());
    try (TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      Var pv = g.param(p);
      Var loss =
          g.add(
              g.sum(g.tanh(g.matmul(g.constant(x), pv))),
              g.sum(g.tanh(g.matmul(pv, g.constant(y), true, false))));
      Map<Var, Tensor> expected = g.grad(loss, List.of(pv));
      g.backward(loss);
      double[] e = b.doubles(expected.get(pv));
      double[] old = b.doubles(before);
      double[] a = b.doubles(p.grad());
      for (int i = 0; i < e.length; i++) {
        assertEquals(old[i] + e[i], a[i], 1e-6, "p.grad = old + every use's gradient at " + i);
      }
    }
    before.close();
  }

  @Test
  void gradLeavesParameterGradientsAlone() {
    Parameter p = new Parameter("p", b, Shape.matrix(2, 2), new float[] {1, 2, 3, 4}, 1f, true);
    Tensor x = tensor(3, 2);
    Tensor other = tensor(3, 2);
    try (TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      Var loss = project(g, g.matmul(g.constant(x), g.param(p)));
      Var unrelated = g.leaf(other);
      Map<Var, Tensor> grads = g.grad(loss, List.of(g.param(p), unrelated));
      for (double v : b.doubles(p.grad())) {
        assertEquals(0.0, v, "grad() must not write Parameter.grad");
      }
      for (double v : b.doubles(grads.get(unrelated))) {
        assertEquals(0.0, v, "a var the loss does not depend on has gradient 0");
      }
      assertEquals(Shape.matrix(3, 2), grads.get(unrelated).shape());
    }
  }

  @Test
  void gradWithAVarListedTwice() {
    Tensor x = b.fromHost(Shape.row(2), new float[] {1.5f, -2f});
    try (TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      Var v = g.leaf(x);
      Map<Var, Tensor> grads = g.grad(g.sum(g.square(v)), List.of(v, v));
      assertEquals(1, grads.size());
      double[] d = b.doubles(grads.get(v));
      assertEquals(3.0, d[0], 1e-12);
      assertEquals(-4.0, d[1], 1e-12);
    }
  }

  @Test
  void misuseIsRejected() {
    Tensor a = tensor(2, 3);
    try (TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      Graph other = new Graph(b, 1);
      Var v = g.leaf(a);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> g.backward(v));
      assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> g.grad(v, List.of(v)));
      Var w = other.leaf(a);
      assertThrows(IllegalArgumentException.class, () -> g.add(v, w));
      assertThrows(IllegalArgumentException.class, () -> g.grad(g.sum(v), List.of(w)));
      assertThrows(IllegalArgumentException.class, () -> g.binary(BinaryOp.MAX, v, v));
      assertThrows(IllegalArgumentException.class, () -> g.sumOf(List.of()));
      assertThrows(IllegalArgumentException.class, () -> g.concatColumns(List.of()));
      assertThrows(
          IllegalArgumentException.class, () -> g.concatColumns(List.of(v, g.leaf(tensor(3, 3)))));
      assertThrows(IllegalArgumentException.class, () -> g.dropout(v, 1f));
    }
  }
}
