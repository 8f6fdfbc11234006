package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NashMtlClosedFormTest {

  @Test
  void orthogonalGradientsGiveTheSumOfUnitGradients() {
    // G = diag(16, 1), ‖G‖_F = sqrt(257): α_i = 1 / sqrt(G'_ii), so α_i g_i ∝ g_i / ‖g_i‖
    double[][] gram = {{16, 0}, {0, 1}};
    double[] beta = new NashMtl(2, false, 1, 20, 0).coefficients(gram, 0);
    double c = Math.pow(257, 0.25);
    assertArrayEquals(new double[] {c / 4, c}, beta, 1e-9);
    assertEquals(beta[0] * 4, beta[1] * 1, 1e-9); // equal contributions ‖β_i g_i‖
  }

  @Test
  void randomProblemsReachTheBargainingSolution() {
    SplittableRandom r = new SplittableRandom(31);
    for (int trial = 0; trial < 40; trial++) {
      int t = 2 + r.nextInt(7);
      double[][] g = new double[t][16];
      for (double[] v : g) {
        double scale = Math.exp(2 * Host.gaussian(r));
        for (int k = 0; k < v.length; k++) {
          v[k] = scale * (Host.gaussian(r) + 0.3);
        }
      }
      double[][] gram = MgdaClosedFormTest.gram(g);
      NashMtl m = new NashMtl(t, false, 1, 50, 0);
      double[] alpha = m.coefficients(gram, 0);
      double f = 0;
      for (double[] row : gram) {
        for (double v : row) {
          f += v * v;
        }
      }
      f = Math.sqrt(f);
      for (int i = 0; i < t; i++) {
        double gi = 0;
        for (int j = 0; j < t; j++) {
          gi += gram[i][j] / f * alpha[j];
        }
        assertEquals(1.0, alpha[i] * gi, 1e-5, "trial " + trial + " task " + i);
      }
      assertEquals(0, m.report().nonConverged(), "trial " + trial);
    }
  }

  @Test
  void scalingOneLossLeavesTheUpdateDirectionUnchanged() {
    double[][] g = {{1, 0.5, -0.2}, {-0.3, 1, 0.4}, {0.2, 0.1, 1}};
    double[][] scaled = {{100, 50, -20}, g[1], g[2]};
    double[] d1 =
        MgdaClosedFormTest.combine(
            new NashMtl(3, false, 1, 50, 0).coefficients(MgdaClosedFormTest.gram(g), 0), g);
    double[] d2 =
        MgdaClosedFormTest.combine(
            new NashMtl(3, false, 1, 50, 0).coefficients(MgdaClosedFormTest.gram(scaled), 0),
            scaled);
    double n1 = Math.sqrt(MgdaClosedFormTest.norm2(d1));
    double n2 = Math.sqrt(MgdaClosedFormTest.norm2(d2));
    for (int k = 0; k < 3; k++) {
      assertEquals(d1[k] / n1, d2[k] / n2, 1e-6);
    }
  }

  @Test
  void maxNormClipsTheCombinedGradient() {
    double[][] gram = {{16, 0}, {0, 1}};
    double[] beta = new NashMtl(2, false, 1, 20, 0.5).coefficients(gram, 0);
    double sq = beta[0] * beta[0] * 16 + beta[1] * beta[1];
    assertEquals(0.25, sq, 1e-12);
    assertEquals(beta[0] * 4, beta[1], 1e-9);
  }

  @Test
  void weightsAreReusedBetweenUpdates() {
    NashMtl m = new NashMtl(2, false, 3, 20, 0);
    double[] first = m.coefficients(new double[][] {{16, 0}, {0, 1}}, 0);
    assertArrayEquals(first, m.coefficients(new double[][] {{1, 0}, {0, 9}}, 1), 0);
    assertArrayEquals(first, m.state().get("nash_mtl.alpha"), 0);
    double[] third = m.coefficients(new double[][] {{1, 0}, {0, 9}}, 3);
    assertTrue(third[0] > third[1], "recomputed at step 3");
  }

  @Test
  void oppositeGradientsHaveNoSolutionAndAreReported() {
    NashMtl m = new NashMtl(2, false, 1, 20, 1.0);
    double[] beta = m.coefficients(new double[][] {{1, -1}, {-1, 1}}, 7);
    assertEquals(1, m.report().nonConverged());
    for (double b : beta) {
      assertTrue(Double.isFinite(b) && b > 0, "finite weights: " + b);
    }
    // restoring state gives back the warm start
    NashMtl other = new NashMtl(2, false, 1, 20, 1.0);
    other.restore(Map.of("nash_mtl.alpha", m.state().get("nash_mtl.alpha")));
    assertArrayEquals(m.state().get("nash_mtl.alpha"), other.state().get("nash_mtl.alpha"), 0);
  }
}
