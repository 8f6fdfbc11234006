package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.weighting.WeightingContext;
import org.mtl4j.api.weighting.WeightingStep;

class GradDropBehaviourTest {
  // Z = X W with X = I (2x2), so Z = W and ∂/∂W = ∂/∂Z; L_t = Σ Z ⊙ C_t, so ∂L_t/∂Z = C_t
  private static final double[][] W = {{1, -2, 0.5}, {3, 1, -1}};
  private static final double[][][] C = {
    {{1, 2, 1}, {1, 0, 1}},
    {{-1, 1, 3}, {0, 1, 0}}
  };
  private static final long SEED = 77;

  /** W's gradient after one GradDrop step with the given leak at global step {@code index}. */
  private static double[] run(ReferenceBackend b, double leak, long index, double[] kept) {
    try (Parameter w = new Parameter("w", b, Shape.matrix(2, 3), flat(W), 1f, true);
        TensorScope s = b.openScope()) {
      Graph g = new Graph(b, index);
      Var z =
          g.matmul(
              g.constant(b.fromHost(Shape.matrix(2, 2), new float[] {1, 0, 0, 1})), g.param(w));
      List<Var> losses = new ArrayList<>();
      for (double[][] c : C) {
        Var weighted = g.mul(z, g.constant(b.fromHost(Shape.matrix(2, 3), flat(c))));
        Var rows =
            g.matmul(g.constant(b.fromHost(Shape.matrix(1, 2), new float[] {1, 1})), weighted);
        losses.add(
            g.matmul(rows, g.constant(b.fromHost(Shape.matrix(3, 1), new float[] {1, 1, 1}))));
      }
      WeightingStep step =
          new WeightingStep(
              g, PcGradClosedFormTest.TWO, losses, null, List.of(w), List.of(), z, null, 0, index);
      double[] k = new GradientSignDropout(2, leak, SEED).backward(step);
      System.arraycopy(k, 0, kept, 0, 2);
      return Host.grad(b, w);
    }
  }

  @Test
  void eachFeatureKeepsTheSignDrawnByItsPurity() {
    // sign(Z) = [[1, -1, 1], [1, 1, -1]]; s_t = Σ_rows sign(Z) ⊙ C_t: s_1 = (2, -2, 0),
    // s_2 = (-1, 0, 3). Feature 1 is pure negative (P ≈ 0): only task 1 (s < 0) passes; feature
    // 2 pure positive (P ≈ 1): only task 2; zero sums pass in neither. Feature 0 has P = 2/3:
    // task 1 (positive) passes when U < 2/3, else task 2 (negative).
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE)) {
      int sawPositive = 0;
      for (long index = 0; index < 12; index++) {
        double[] kept = new double[2];
        double[] grad = run(b, 0, index, kept);
        double u = RandomDraws.uniform(CounterRng.derive(SEED, index), 0);
        boolean positive = 2.0 / 3 > u;
        sawPositive += positive ? 1 : 0;
        double[][] c0 = positive ? C[0] : C[1];
        double[] expected = {
          c0[0][0], C[0][0][1], C[1][0][2],
          c0[1][0], C[0][1][1], C[1][1][2]
        };
        assertArrayEquals(expected, grad, 1e-7, "step " + index + " u " + u);
        assertEquals(positive ? 2.0 / 3 : 1.0 / 3, kept[0], 1e-7);
        assertEquals(positive ? 1.0 / 3 : 2.0 / 3, kept[1], 1e-7);
      }
      assertTrue(sawPositive > 0 && sawPositive < 12, "both signs drawn: " + sawPositive);
    }
  }

  @Test
  void leakLetsAShareOfDroppedGradientsThrough() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE)) {
      double[] kept = new double[2];
      double[] grad = run(b, 0.25, 0, kept);
      double u = RandomDraws.uniform(CounterRng.derive(SEED, 0), 0);
      double m1 = 2.0 / 3 > u ? 1 : 0.25;
      double m2 = 2.0 / 3 > u ? 0.25 : 1;
      double[] expected = {
        m1 * C[0][0][0] + m2 * C[1][0][0], C[0][0][1] + 0.25 * C[1][0][1],
            0.25 * C[0][0][2] + C[1][0][2],
        m1 * C[0][1][0] + m2 * C[1][1][0], C[0][1][1] + 0.25 * C[1][1][1],
            0.25 * C[0][1][2] + C[1][1][2]
      };
      assertArrayEquals(expected, grad, 1e-7);
    }
  }

  @Test
  void sharedParameterGradientsAreRefusedWithTheAlternatives() {
    GradDropProvider p = new GradDropProvider();
    try (ReferenceBackend b = new ReferenceBackend()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  p.create(
                      Options.parse(Map.of("rep_grad", false), p.options(), "weighting.options"),
                      new WeightingContext(PcGradClosedFormTest.TWO, b, 0)));
      assertTrue(e.getMessage().startsWith("weighting.options.rep_grad: 'false'"), e.getMessage());
      assertTrue(e.getMessage().contains("pcgrad"), e.getMessage());
    }
  }

  private static float[] flat(double[][] m) {
    float[] out = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        out[i * m[0].length + j] = (float) m[i][j];
      }
    }
    return out;
  }
}
