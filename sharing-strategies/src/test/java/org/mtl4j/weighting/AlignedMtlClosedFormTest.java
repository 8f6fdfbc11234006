package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AlignedMtlClosedFormTest {

  @Test
  void orthogonalGradientsAreRescaledToTheSmallestNorm() {
    // g1 = (3, 0), g2 = (0, 1): G G^T = diag(9, 1), λ_min = 1: B = diag(1/3, 1), d = (1, 1)
    double[] beta = new AlignedMtl(2, false).coefficients(new double[][] {{9, 0}, {0, 1}}, 0);
    assertArrayEquals(new double[] {1.0 / 3, 1}, beta, 1e-12);
  }

  @Test
  void alignedGradientsAreOrthogonalWithEqualNormsOnRandomProblems() {
    SplittableRandom r = new SplittableRandom(41);
    for (int trial = 0; trial < 40; trial++) {
      int t = 2 + r.nextInt(7);
      double[][] g = new double[t][12];
      for (double[] v : g) {
        for (int k = 0; k < v.length; k++) {
          v[k] = Host.gaussian(r) + 0.4;
        }
      }
      double[][] gram = MgdaClosedFormTest.gram(g);
      SymmetricEigen e = new SymmetricEigen(t);
      assertEquals(true, e.decompose(gram));
      double min = Double.POSITIVE_INFINITY;
      for (int i = 0; i < t; i++) {
        min = Math.min(min, e.value(i));
      }
      // rebuild B = sqrt(λ_min) V Λ^{-1/2} V^T and check B G G^T B^T = λ_min I
      double[][] b = new double[t][t];
      for (int i = 0; i < t; i++) {
        for (int k = 0; k < t; k++) {
          for (int l = 0; l < t; l++) {
            b[k][l] += Math.sqrt(min / e.value(i)) * e.vector(i, k) * e.vector(i, l);
          }
        }
      }
      double[][] aligned = new double[t][];
      for (int k = 0; k < t; k++) {
        aligned[k] = MgdaClosedFormTest.combine(b[k], g);
      }
      double[][] ag = MgdaClosedFormTest.gram(aligned);
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          assertEquals(i == j ? min : 0, ag[i][j], 1e-8 * gram[0][0], "trial " + trial);
        }
      }
      // and the method's update is the sum of the aligned gradients
      double[] beta = new AlignedMtl(t, false).coefficients(gram, 0);
      double[] d = MgdaClosedFormTest.combine(beta, g);
      double[] sum = new double[d.length];
      for (double[] a : aligned) {
        for (int k = 0; k < d.length; k++) {
          sum[k] += a[k];
        }
      }
      assertArrayEquals(sum, d, 1e-8 * Math.sqrt(gram[0][0]), "trial " + trial);
    }
  }

  @Test
  void identicalGradientsKeepRankOneAndGiveTheirSum() {
    double[][] gram = {{4, 4, 4}, {4, 4, 4}, {4, 4, 4}};
    assertArrayEquals(
        new double[] {1, 1, 1}, new AlignedMtl(3, false).coefficients(gram, 0), 1e-12);
  }
}
