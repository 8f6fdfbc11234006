package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FairGradClosedFormTest {

  @Test
  void orthogonalGradientsHaveTheClosedForm() {
    // G = diag(a, b): a w_1 = w_1^{-1/α} -> w_1 = a^{-α/(1+α)}; α = 2, a = 8: w_1 = 8^{-2/3} = 1/4
    double[] w = new FairGrad(2, false, 2, 50).coefficients(new double[][] {{8, 0}, {0, 1}}, 0);
    assertArrayEquals(new double[] {0.25, 1}, w, 1e-7); // the solver stops at residual 1e-7
  }

  @Test
  void randomProblemsSatisfyTheFairnessCondition() {
    SplittableRandom r = new SplittableRandom(51);
    for (double alpha : new double[] {0.5, 1, 2, 5}) {
      for (int trial = 0; trial < 20; trial++) {
        int t = 2 + r.nextInt(7);
        double[][] g = new double[t][16];
        for (double[] v : g) {
          double scale = Math.exp(Host.gaussian(r));
          for (int k = 0; k < v.length; k++) {
            v[k] = scale * (Host.gaussian(r) + 0.3);
          }
        }
        double[][] gram = MgdaClosedFormTest.gram(g);
        FairGrad m = new FairGrad(t, false, alpha, 100);
        double[] w = m.coefficients(gram, 0);
        for (int i = 0; i < t; i++) {
          double gw = 0;
          for (int j = 0; j < t; j++) {
            gw += gram[i][j] * w[j];
          }
          assertEquals(Math.pow(w[i], -1 / alpha), gw, 1e-5 * gw, "α " + alpha + " trial " + trial);
        }
        assertEquals(0, m.report().nonConverged(), "α " + alpha + " trial " + trial);
      }
    }
  }

  @Test
  void alphaOneIsTheNashSolutionUpToNashMtlsNormalisation() {
    double[][] g = {{1, 0.5, -0.2}, {-0.3, 1, 0.4}, {0.2, 0.1, 1}};
    double[][] gram = MgdaClosedFormTest.gram(g);
    double[] fair = new FairGrad(3, false, 1, 50).coefficients(gram, 0);
    double[] nash = new NashMtl(3, false, 1, 50, 0).coefficients(gram, 0);
    double ratio = fair[0] / nash[0];
    for (int i = 1; i < 3; i++) {
      assertEquals(ratio, fair[i] / nash[i], 1e-7);
    }
  }
}
