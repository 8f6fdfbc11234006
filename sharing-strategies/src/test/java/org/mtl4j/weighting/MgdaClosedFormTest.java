package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.weighting.MultipleGradientDescent.Normalization;

class MgdaClosedFormTest {
  static final List<Task> TWO = PcGradClosedFormTest.TWO;

  @Test
  void twoGradientsGiveTheAnalyticMinNormPoint() {
    // min over γ of |γ g1 + (1-γ) g2|², g1 = (2, 0), g2 = (0, 1):
    // γ = (g2·g2 - g1·g2) / |g1 - g2|² = 1 / 5, point (0.4, 0.8), orthogonal to g1 - g2
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b, TWO, new double[] {1, 1}, new double[] {2, 0}, new double[] {0, 1});
        TensorScope s = f.scope()) {
      double[] lambda =
          new MultipleGradientDescent(2, false, Normalization.NONE).backward(f.step(0, 0));
      assertArrayEquals(new double[] {0.2, 0.8}, lambda, 1e-12);
      double[] d = f.thetaGrad();
      // the coefficients reach the backend as float32
      assertArrayEquals(new double[] {0.4, 0.8}, d, 1e-7);
      assertEquals(0.0, d[0] * 2 - d[1] * 1, 1e-7);
    }
  }

  @Test
  void twoGradientsOnALineTakeTheShorterEndpoint() {
    double[][] gram = {{1, 3}, {3, 9}}; // g1 = (1, 0), g2 = (3, 0)
    assertArrayEquals(
        new double[] {1, 0},
        MultipleGradientDescent.weights(gram, new double[] {1, 1}, Normalization.NONE),
        0);
  }

  @Test
  void frankWolfeFindsAnEdgeSolutionAmongThree() {
    // (1,0), (0,1), (2,2): the min-norm point is (0.5, 0.5) on the first edge
    double[][] g = {{1, 0}, {0, 1}, {2, 2}};
    double[] lambda = MinNormSolver.solve(gram(g));
    assertArrayEquals(new double[] {0.5, 0.5, 0}, lambda, 1e-9);
  }

  @Test
  void frankWolfeReachesTheOriginWhenItIsInTheHull() {
    double h = Math.sqrt(3) / 2;
    double[][] g = {{1, 0}, {-0.5, h}, {-0.5, -h}};
    double[] lambda = MinNormSolver.solve(gram(g));
    double[] point = combine(lambda, g);
    assertTrue(Math.hypot(point[0], point[1]) < 1e-3, "norm " + Math.hypot(point[0], point[1]));
    assertEquals(1.0, lambda[0] + lambda[1] + lambda[2], 1e-12);
  }

  @Test
  void frankWolfeBeatsRandomSimplexPointsOnRandomProblems() {
    SplittableRandom r = new SplittableRandom(9);
    for (int trial = 0; trial < 20; trial++) {
      int t = 3 + r.nextInt(4);
      double[][] g = new double[t][4];
      for (double[] v : g) {
        for (int k = 0; k < v.length; k++) {
          v[k] = Host.gaussian(r) + 0.5;
        }
      }
      double[][] gram = gram(g);
      double[] lambda = MinNormSolver.solve(gram);
      double best = norm2(combine(lambda, g));
      for (int k = 0; k < 2000; k++) {
        double[] w = new double[t];
        double sum = 0;
        for (int i = 0; i < t; i++) {
          w[i] = -Math.log(1 - r.nextDouble());
          sum += w[i];
        }
        for (int i = 0; i < t; i++) {
          w[i] /= sum;
        }
        assertTrue(best <= norm2(combine(w, g)) + 1e-6, "trial " + trial);
      }
    }
  }

  @Test
  void normalisationsDivideTheGradientsBeforeSolving() {
    // g1 = (4, 0), g2 = (0, 1); θ = (1, 1): L1 = 4, L2 = 1.
    // l2 and loss both normalise to (1, 0), (0, 1): λ = (0.5, 0.5) applied to the raw gradients.
    for (Normalization n : List.of(Normalization.L2, Normalization.LOSS)) {
      try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
          LinearLosses f =
              new LinearLosses(
                  b, TWO, new double[] {1, 1}, new double[] {4, 0}, new double[] {0, 1});
          TensorScope s = f.scope()) {
        double[] lambda = new MultipleGradientDescent(2, false, n).backward(f.step(0, 0));
        assertArrayEquals(new double[] {0.5, 0.5}, lambda, 1e-12, n.name());
        assertArrayEquals(new double[] {2, 0.5}, f.thetaGrad(), 1e-7, n.name());
      }
    }
    // loss+: g_t / (L_t |g_t|) = (4/16, 0), (0, 1): |.|² = 1/16 and 1, γ = 1 / (1 + 1/16)
    double[] lambda =
        MultipleGradientDescent.weights(
            new double[][] {{16, 0}, {0, 1}}, new double[] {4, 1}, Normalization.LOSS_PLUS);
    assertEquals(16.0 / 17.0, lambda[0], 1e-12);
    // none: γ = 1 / 17
    lambda =
        MultipleGradientDescent.weights(
            new double[][] {{16, 0}, {0, 1}}, new double[] {4, 1}, Normalization.NONE);
    assertEquals(1.0 / 17.0, lambda[0], 1e-12);
  }

  static double[][] gram(double[][] g) {
    double[][] m = new double[g.length][g.length];
    for (int i = 0; i < g.length; i++) {
      for (int j = 0; j < g.length; j++) {
        for (int k = 0; k < g[i].length; k++) {
          m[i][j] += g[i][k] * g[j][k];
        }
      }
    }
    return m;
  }

  static double[] combine(double[] w, double[][] g) {
    double[] out = new double[g[0].length];
    for (int i = 0; i < g.length; i++) {
      for (int k = 0; k < out.length; k++) {
        out[k] += w[i] * g[i][k];
      }
    }
    return out;
  }

  static double norm2(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return s;
  }
}
