package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class UpGradClosedFormTest {

  @Test
  void theAuthorsWorkedCaseGivesTheirUpdate() {
    // TorchJD's documented example: Jacobian rows (-4, 1, 1) and (6, 1, 1) -> (0.2929, 1.9004,
    // 1.9004) with the default norm_eps = reg_eps = 1e-4
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b,
                PcGradClosedFormTest.TWO,
                new double[] {0.1, 0.2, 0.3},
                new double[] {-4, 1, 1},
                new double[] {6, 1, 1});
        TensorScope s = f.scope()) {
      new UnconflictingProjection(2, false, 1e-4, 1e-4).backward(f.step(0, 0));
      assertArrayEquals(new double[] {0.2929, 1.9004, 1.9004}, f.thetaGrad(), 5e-5);
    }
  }

  @Test
  void withoutRegularisationTheProjectionsAreExact() {
    // G = [[18, -22], [-22, 38]]: π(g1/2) has weights (1/2, 11/38), π(g2/2) has (11/18, 1/2)
    double[] beta =
        new UnconflictingProjection(2, false, 0, 0)
            .coefficients(new double[][] {{18, -22}, {-22, 38}}, 0);
    assertArrayEquals(new double[] {0.5 + 11.0 / 18, 0.5 + 11.0 / 38}, beta, 1e-10);
  }

  @Test
  void withoutConflictItIsTheMeanGradient() {
    // pairwise non-negative inner products: every g_i is already in the dual cone
    double[][] g = {{1, 0.2, 0}, {0.5, 1, 0.1}, {0.3, 0, 2}};
    double[] beta =
        new UnconflictingProjection(3, false, 0, 0).coefficients(MgdaClosedFormTest.gram(g), 0);
    assertArrayEquals(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, beta, 1e-12);
  }

  @Test
  void theUpdateConflictsWithNoTaskOnRandomProblems() {
    SplittableRandom r = new SplittableRandom(17);
    for (int trial = 0; trial < 50; trial++) {
      int t = 2 + r.nextInt(7);
      double[][] g = new double[t][10];
      for (double[] v : g) {
        for (int k = 0; k < v.length; k++) {
          v[k] = Host.gaussian(r);
        }
      }
      UnconflictingProjection m = new UnconflictingProjection(t, false, 0, 0);
      double[] d = MgdaClosedFormTest.combine(m.coefficients(MgdaClosedFormTest.gram(g), trial), g);
      for (int i = 0; i < t; i++) {
        double dot = 0;
        for (int k = 0; k < d.length; k++) {
          dot += d[k] * g[i][k];
        }
        assertTrue(dot >= -1e-9, "trial " + trial + ": conflicts with task " + i + ": " + dot);
      }
      assertEquals(0, m.report().nonConverged(), "trial " + trial);
    }
  }
}
