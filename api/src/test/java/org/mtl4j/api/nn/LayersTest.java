package org.mtl4j.api.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

/** Initialisers, parameters and the structure of the layers. */
class LayersTest {

  private static double[] moments(float[] w) {
    double mean = 0;
    for (float v : w) {
      mean += v;
    }
    mean /= w.length;
    double var = 0;
    double maxAbs = 0;
    for (float v : w) {
      var += (v - mean) * (v - mean);
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    return new double[] {mean, var / w.length, maxAbs};
  }

  @Test
  void initialisersHaveThePublishedScales() {
    int in = 200;
    int out = 100;
    // Glorot and Bengio 2010: Var = 2 / (in + out); He et al. 2015: Var = 2 / in
    double xavier = 2.0 / (in + out);
    double he = 2.0 / in;
    double[] xu = moments(Init.XAVIER_UNIFORM.sample(in, out, 1L));
    double[] xn = moments(Init.XAVIER_NORMAL.sample(in, out, 2L));
    double[] hu = moments(Init.HE_UNIFORM.sample(in, out, 3L));
    double[] hn = moments(Init.HE_NORMAL.sample(in, out, 4L));
    assertEquals(xavier, xu[1], 0.03 * xavier);
    assertEquals(xavier, xn[1], 0.03 * xavier);
    assertEquals(he, hu[1], 0.03 * he);
    assertEquals(he, hn[1], 0.03 * he);
    for (double[] m : new double[][] {xu, xn, hu, hn}) {
      assertEquals(0.0, m[0], 0.01);
    }
    assertTrue(xu[2] <= Math.sqrt(6.0 / (in + out)), "uniform Xavier bound");
    assertTrue(hu[2] <= Math.sqrt(6.0 / in), "uniform He bound");
    assertTrue(hn[2] > Math.sqrt(6.0 / in), "a normal sample exceeds the uniform bound");
    assertArrayEquals(new float[6], Init.ZEROS.sample(2, 3, 5L));
    assertArrayEquals(Init.HE_NORMAL.sample(3, 4, 9L), Init.HE_NORMAL.sample(3, 4, 9L));
    assertFalse(
        java.util.Arrays.equals(Init.HE_NORMAL.sample(3, 4, 9L), Init.HE_NORMAL.sample(3, 4, 10L)));
    assertSame(Init.HE_UNIFORM, Init.forActivation(Activation.RELU));
    assertSame(Init.XAVIER_UNIFORM, Init.forActivation(Activation.TANH));
  }

  @Test
  void activationsParseByName() {
    assertSame(Activation.GELU, Activation.parse("GeLU"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Activation.parse("swish"));
    assertEquals("'swish' is not one of relu, gelu, tanh, sigmoid, identity", e.getMessage());
  }

  @Test
  void parametersAreValidatedAndCloseTheirTensors() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> new Parameter("w", b, Shape.row(2), new float[2], 0f, true));
      assertTrue(e.getMessage().contains("parameter w"), e.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () -> new Parameter("w", b, Shape.row(2), new float[2], Float.POSITIVE_INFINITY, true));
      assertThrows(
          IllegalArgumentException.class,
          () -> new Parameter("w", b, Shape.row(2), new float[3], 1f, true));
      assertEquals(0, b.memoryStats().liveTensors(), "a rejected parameter leaves nothing");
      Parameter p =
          new Parameter("w", b, Shape.matrix(2, 3), new float[] {1, 2, 3, 4, 5, 6}, 1f, true);
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, b.toHost(p.value()));
      assertArrayEquals(new float[6], b.toHost(p.grad()));
      assertEquals(6, p.size());
      assertEquals(2, b.memoryStats().liveTensors());
      p.close();
      assertEquals(0, b.memoryStats().liveTensors());
    }
  }

  @Test
  void mlpNamesItsParametersUniquelyAndInOrder() {
    try (ReferenceBackend b = new ReferenceBackend();
        Mlp m = new Mlp(b, "trunk", 4, List.of(8, 6), 3, Activation.RELU, 0.1f, true, 1L, 1f)) {
      List<String> names = new ArrayList<>();
      for (Parameter p : m.parameters()) {
        names.add(p.name());
      }
      assertEquals(
          List.of(
              "trunk.0.weight",
              "trunk.0.bias",
              "trunk.0.norm.gain",
              "trunk.0.norm.bias",
              "trunk.1.weight",
              "trunk.1.bias",
              "trunk.1.norm.gain",
              "trunk.1.norm.bias",
              "trunk.out.weight",
              "trunk.out.bias"),
          names);
      assertEquals(3, m.outputSize());
      assertEquals(3, m.linears().size());
      assertEquals(Shape.matrix(4, 8), m.linears().get(0).weight().shape());
      assertTrue(m.linears().get(0).weight().decay());
      assertFalse(m.linears().get(0).bias().decay());
    }
  }

  @Test
  void layersCheckTheirInputs() {
    try (ReferenceBackend b = new ReferenceBackend();
        Linear l = new Linear(b, "head", 4, 2, Init.XAVIER_UNIFORM, 1L);
        TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1L);
      Var x = g.constant(b.zeros(Shape.matrix(3, 5)));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> l.forward(g, x, Mode.TRAIN));
      assertEquals("head.weight: input has 5 columns, expected 4", e.getMessage());
      assertThrows(
          IllegalArgumentException.class, () -> new Linear(b, "bad", 0, 2, Init.ZEROS, 1L));
      assertThrows(IllegalArgumentException.class, () -> new Dropout(1f, 3));
    }
  }

  @Test
  void dropoutMasksRepeatForAGraphSeedAndDifferBetweenCalls() {
    try (ReferenceBackend b = new ReferenceBackend();
        TensorScope s = b.openScope()) {
      Tensor ones = b.fromHost(Shape.matrix(8, 16), filled(128, 1f));
      Dropout d = new Dropout(0.5f, 16);
      float[] first = run(b, d, ones, 7L, Mode.TRAIN)[0];
      float[][] again = run(b, d, ones, 7L, Mode.TRAIN);
      assertArrayEquals(first, again[0], "same graph seed, same first mask");
      assertFalse(java.util.Arrays.equals(again[0], again[1]), "a second call draws a new mask");
      assertFalse(java.util.Arrays.equals(first, run(b, d, ones, 8L, Mode.TRAIN)[0]));
      assertArrayEquals(filled(128, 1f), run(b, d, ones, 7L, Mode.EVAL)[0], "EVAL: identity");
      for (float v : first) {
        assertTrue(v == 0f || v == 2f, "inverted dropout scales kept units by 1/(1-p): " + v);
      }
    }
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static float[][] run(ReferenceBackend b, Dropout d, Tensor x, long seed, Mode mode) {
    Graph g = new Graph(b, seed);
    Var in = g.constant(x);
    return new float[][] {
      b.toHost(d.forward(g, in, mode).value()), b.toHost(d.forward(g, in, mode).value())
    };
  }
}
