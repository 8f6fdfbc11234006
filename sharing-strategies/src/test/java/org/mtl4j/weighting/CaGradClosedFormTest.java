package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class CaGradClosedFormTest {
  static final List<Task> THREE =
      List.of(
          Task.of("a", TaskType.REGRESSION, 1),
          Task.of("b", TaskType.REGRESSION, 1),
          Task.of("c", TaskType.REGRESSION, 1));

  @Test
  void zeroRadiusIsTheMeanGradient() {
    double[] g1 = {1, -2, 0.5};
    double[] g2 = {-3, 1, 2};
    double[] g3 = {0.5, 4, -1};
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f = new LinearLosses(b, THREE, new double[] {1, 1, 1}, g1, g2, g3);
        TensorScope s = f.scope()) {
      double[] beta = new ConflictAverseGradient(3, false, 0.0, 1).backward(f.step(0, 0));
      assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, beta, 1e-12);
      assertArrayEquals(new double[] {-1.5 / 3, 3.0 / 3, 1.5 / 3}, f.thetaGrad(), 1e-7);
    }
  }

  @Test
  void updateSolvesThePrimalProblemOfThePaper() {
    // max_d min_i g_i·d  subject to |d - g0| <= c|g0|: check the returned direction (before
    // the 1 + c² rescale) lies on the ball and beats many other points of the ball.
    SplittableRandom r = new SplittableRandom(4);
    for (int trial = 0; trial < 10; trial++) {
      int t = 2 + r.nextInt(3);
      double[][] g = new double[t][3];
      for (double[] v : g) {
        for (int k = 0; k < 3; k++) {
          v[k] = Host.gaussian(r);
        }
      }
      double c = 0.4;
      double[] beta = ConflictAverseGradient.coefficients(MgdaClosedFormTest.gram(g), c, 1);
      double[] d = MgdaClosedFormTest.combine(beta, g);
      for (int k = 0; k < 3; k++) {
        d[k] *= 1 + c * c;
      }
      double[] g0 = new double[3];
      for (double[] v : g) {
        for (int k = 0; k < 3; k++) {
          g0[k] += v[k] / t;
        }
      }
      double radius = c * Math.sqrt(MgdaClosedFormTest.norm2(g0));
      double[] diff = new double[3];
      for (int k = 0; k < 3; k++) {
        diff[k] = d[k] - g0[k];
      }
      assertEquals(radius, Math.sqrt(MgdaClosedFormTest.norm2(diff)), 1e-6 * (1 + radius));
      double achieved = worst(g, d);
      for (int k = 0; k < 3000; k++) {
        double[] u = {Host.gaussian(r), Host.gaussian(r), Host.gaussian(r)};
        double n = Math.sqrt(MgdaClosedFormTest.norm2(u));
        double scale = radius * Math.cbrt(r.nextDouble()) / n;
        double[] other = new double[3];
        for (int q = 0; q < 3; q++) {
          other[q] = g0[q] + scale * u[q];
        }
        assertTrue(
            achieved >= worst(g, other) - 1e-5,
            "trial " + trial + ": " + achieved + " < " + worst(g, other));
      }
    }
  }

  @Test
  void rescaleOptionsDivideTheUpdate() {
    double[][] gram = {{1, -0.5}, {-0.5, 2}};
    double[] none = ConflictAverseGradient.coefficients(gram, 0.5, 0);
    double[] one = ConflictAverseGradient.coefficients(gram, 0.5, 1);
    double[] two = ConflictAverseGradient.coefficients(gram, 0.5, 2);
    for (int i = 0; i < 2; i++) {
      assertEquals(none[i] / 1.25, one[i], 1e-12);
      assertEquals(none[i] / 1.5, two[i], 1e-12);
    }
  }

  private static double worst(double[][] g, double[] d) {
    double m = Double.POSITIVE_INFINITY;
    for (double[] v : g) {
      double s = 0;
      for (int k = 0; k < d.length; k++) {
        s += v[k] * d[k];
      }
      m = Math.min(m, s);
    }
    return m;
  }
}
