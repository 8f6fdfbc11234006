package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GradVacClosedFormTest {

  @Test
  void withTargetsAtZeroTheFirstStepIsPcGrad() {
    SplittableRandom r = new SplittableRandom(5);
    for (int trial = 0; trial < 20; trial++) {
      int t = 2 + r.nextInt(5);
      double[][] g = new double[t][6];
      for (double[] v : g) {
        for (int k = 0; k < v.length; k++) {
          v[k] = Host.gaussian(r);
        }
      }
      double[][] gram = MgdaClosedFormTest.gram(g);
      assertArrayEquals(
          ProjectingConflictingGradients.coefficients(gram, 99),
          new GradientVaccine(t, 0.5, 0).coefficients(gram, 99),
          1e-6,
          "trial " + trial);
    }
  }

  @Test
  void aVaccinatedGradientReachesItsTargetSimilarity() {
    // g1 = (1, 0), g2 = (-1/2, sqrt(3)/2): cosine -1/2; with target 1/2 for the pair (1, 2),
    // g1' = g1 + w g2 has cosine exactly 1/2 with g2
    double h = Math.sqrt(3) / 2;
    double[][] g = {{1, 0}, {-0.5, h}};
    GradientVaccine m = new GradientVaccine(2, 0.25, 0);
    m.restore(Map.of("gradvac.targets", new double[] {0, 0.5, 0.5, 0}));
    double[][] gram = MgdaClosedFormTest.gram(g);
    double[] beta = m.coefficients(gram, 0);
    // cos(g1 + w g2, g2) = (w − 1/2) / sqrt(1 − w + w²) = 1/2 gives w = 1, and by symmetry
    // g2' = g2 + g1: the update is 2 g1 + 2 g2
    assertArrayEquals(new double[] {2, 2}, beta, 1e-6);
    double[] g1 = {1 + 1 * -0.5, h};
    double cos = (g1[0] * -0.5 + g1[1] * h) / Math.hypot(g1[0], g1[1]);
    assertEquals(0.5, cos, 1e-12);
    // targets moved by β = 0.25 towards the observed −1/2: 0.75·0.5 + 0.25·(−0.5) = 0.25
    assertArrayEquals(new double[] {0, 0.25, 0.25, 0}, m.state().get("gradvac.targets"), 1e-7);
  }
}
