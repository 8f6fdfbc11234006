package org.mtl4j.api.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.testing.GradientCheck;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.testing.TestData;

/** Finite-difference checks of every layer, parameters and input together, in double precision. */
class LayerGradientTest {
  private ReferenceBackend b;
  private SplittableRandom rng;

  @BeforeEach
  void setUp() {
    b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
    rng = new SplittableRandom(99);
  }

  @AfterEach
  void tearDown() {
    b.close();
  }

  private Tensor input(int rows, int cols) {
    return b.fromHost(Shape.matrix(rows, cols), TestData.uniform(rng, rows * cols, -1.5, 1.5));
  }

  /** Moves every parameter off its initial value (zero biases, unit gains) to random values. */
  private void randomise(List<Parameter> ps) {
    for (Parameter p : ps) {
      b.upload(TestData.uniform(rng, p.size(), -0.8, 0.8), p.value());
    }
  }

  /** A loss that uses every output column differently. */
  private Var loss(Graph g, Var out, Tensor target) {
    return g.mse(g.tanh(out), target, null);
  }

  private void checkModule(Module m, int rows, int in, Mode mode) {
    Tensor x = input(rows, in);
    Tensor target = input(rows, m.outputSize());
    GradientCheck.Report r =
        GradientCheck.check(
            b, m.parameters(), List.of(x), (g, l) -> loss(g, m.forward(g, l.get(0), mode), target));
    int total = rows * in;
    for (Parameter p : m.parameters()) {
      total += Math.min(p.size(), GradientCheck.Settings.doublePrecision().maxElementsPerTensor());
    }
    assertEquals(total, r.elementsChecked(), "every parameter and input entry was checked");
  }

  @Test
  void linear() {
    try (Linear l = new Linear(b, "lin", 4, 3, Init.XAVIER_UNIFORM, 1L)) {
      randomise(l.parameters());
      checkModule(l, 5, 4, Mode.TRAIN);
    }
    try (Linear l = new Linear(b, "nobias", 4, 3, false, Init.HE_NORMAL, 2L, 1f)) {
      assertEquals(1, l.parameters().size());
      checkModule(l, 5, 4, Mode.TRAIN);
    }
  }

  @Test
  void mlpWithoutLayerNorm() {
    for (Activation a : Activation.values()) {
      try (Mlp m = new Mlp(b, "mlp", 3, List.of(5, 4), 2, a, 0f, false, 3L, 1f)) {
        checkModule(m, 4, 3, Mode.TRAIN);
      }
    }
  }

  @Test
  void mlpWithLayerNormAndDropout() {
    try (Mlp m = new Mlp(b, "mlp", 3, List.of(5, 4), 2, Activation.GELU, 0.25f, true, 4L, 1f)) {
      randomise(m.parameters());
      checkModule(m, 4, 3, Mode.TRAIN);
      checkModule(m, 4, 3, Mode.EVAL);
    }
    try (Mlp m = new Mlp(b, "trunk", 3, List.of(6), 0, Activation.TANH, 0f, true, 5L, 1f)) {
      assertEquals(6, m.outputSize(), "without an output layer the last hidden size is the output");
      randomise(m.parameters());
      checkModule(m, 3, 3, Mode.TRAIN);
    }
  }

  @Test
  void layerNorm() {
    LayerNorm ln = new LayerNorm(b, "ln", 5, 1e-5f);
    try (ln) {
      checkModule(ln, 4, 5, Mode.TRAIN);
      randomise(ln.parameters());
      checkModule(ln, 4, 5, Mode.TRAIN);
    }
  }

  @Test
  void embedding() {
    try (Embedding e = new Embedding(b, "emb", 6, 3, 7L)) {
      Tensor idx = b.fromHost(Shape.column(5), new float[] {5, 0, 5, 3, 5});
      Tensor target = input(5, 3);
      GradientCheck.Report r =
          GradientCheck.check(b, e.parameters(), g -> loss(g, e.lookup(g, idx), target));
      assertEquals(18, r.elementsChecked());
    }
  }

  @Test
  void dropoutLayer() {
    Dropout d = new Dropout(0.4f, 6);
    checkModule(d, 5, 6, Mode.TRAIN);
    checkModule(d, 5, 6, Mode.EVAL);
  }

  @Test
  void twoLayerNetworkWithSharedInput() {
    try (Mlp trunk = new Mlp(b, "trunk", 4, List.of(5), 0, Activation.TANH, 0f, true, 8L, 1f);
        Linear headA = new Linear(b, "a", 5, 3, Init.XAVIER_UNIFORM, 9L);
        Linear headB = new Linear(b, "b", 5, 1, Init.XAVIER_UNIFORM, 10L)) {
      randomise(trunk.parameters());
      List<Parameter> ps = new ArrayList<>(trunk.parameters());
      ps.addAll(headA.parameters());
      ps.addAll(headB.parameters());
      Tensor x = input(6, 4);
      Tensor labels = b.fromHost(Shape.column(6), new float[] {0, 2, 1, 1, 0, 2});
      Tensor maskA = b.fromHost(Shape.column(6), new float[] {1, 1, 0, 1, 1, 0});
      Tensor yb = b.fromHost(Shape.column(6), new float[] {1, 0, 0, 1, 1, 0});
      GradientCheck.Report r =
          GradientCheck.check(
              b,
              ps,
              List.of(x),
              (g, l) -> {
                Var h = trunk.forward(g, l.get(0), Mode.TRAIN);
                Var la = g.softmaxCrossEntropy(headA.forward(g, h, Mode.TRAIN), labels, maskA);
                Var lb = g.bceWithLogits(headB.forward(g, h, Mode.TRAIN), yb, null);
                return g.sumOf(List.of(g.scale(la, 0.7f), lb));
              });
      assertTrue(r.maxAbsGradient() > 1e-3);
    }
  }
}
