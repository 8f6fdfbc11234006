package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class PcGradClosedFormTest {
  static final List<Task> TWO =
      List.of(Task.of("a", TaskType.REGRESSION, 1), Task.of("b", TaskType.REGRESSION, 1));

  @Test
  void twoConflictingVectorsGiveTheHandComputedSumAndNoConflictRemains() {
    // g1 = (2, 0), g2 = (-1, 1), g1·g2 = -2 < 0:
    // g1' = g1 - (-2 / |g2|^2) g2 = (2, 0) + (-1, 1) = (1, 1)
    // g2' = g2 - (-2 / |g1|^2) g1 = (-1, 1) + (1, 0) = (0, 1)
    // update = (1, 2)
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b, TWO, new double[] {0.3, -0.2}, new double[] {2, 0}, new double[] {-1, 1});
        TensorScope s = f.scope()) {
      double[] beta = new ProjectingConflictingGradients(2, false, 5).backward(f.step(0, 0));
      assertArrayEquals(new double[] {1, 2}, f.thetaGrad(), 1e-12);
      // g1' = g1 + 1·g2 and g2' = g2 + 0.5·g1, so β = (1.5, 2)
      assertArrayEquals(new double[] {1.5, 2}, beta, 1e-12);
      double[] d = f.thetaGrad();
      assertTrue(d[0] * 2 + d[1] * 0 >= 0, "conflict with g1 remains");
      assertTrue(d[0] * -1 + d[1] * 1 >= 0, "conflict with g2 remains");
      // each projected gradient is orthogonal to the other original gradient
      assertEquals(0.0, (2 - 1) * -1 + (0 + 1) * 1, 1e-12);
    }
  }

  @Test
  void nonConflictingGradientsAreSummedUnchanged() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b, TWO, new double[] {1, 1}, new double[] {2, 1}, new double[] {-1, 3});
        TensorScope s = f.scope()) {
      double[] beta = new ProjectingConflictingGradients(2, false, 5).backward(f.step(0, 0));
      assertArrayEquals(new double[] {1, 1}, beta, 1e-12);
      assertArrayEquals(new double[] {1, 4}, f.thetaGrad(), 1e-12);
    }
  }

  /** Algorithm 1 of Yu et al. on explicit vectors, with the same visiting orders. */
  static double[] directPcGrad(double[][] g, long stepSeed) {
    int t = g.length;
    int d = g[0].length;
    double[] sum = new double[d];
    for (int i = 0; i < t; i++) {
      double[] pc = g[i].clone();
      int[] others = new int[t - 1];
      for (int j = 0, k = 0; j < t; j++) {
        if (j != i) {
          others[k++] = j;
        }
      }
      RandomDraws.shuffle(others, CounterRng.derive(stepSeed, i));
      for (int j : others) {
        double dot = 0;
        double nn = 0;
        for (int k = 0; k < d; k++) {
          dot += pc[k] * g[j][k];
          nn += g[j][k] * g[j][k];
        }
        if (dot < 0) {
          for (int k = 0; k < d; k++) {
            pc[k] -= dot / nn * g[j][k];
          }
        }
      }
      for (int k = 0; k < d; k++) {
        sum[k] += pc[k];
      }
    }
    return sum;
  }

  @Test
  void manyTasksMatchAlgorithmOneOnExplicitVectors() {
    SplittableRandom r = new SplittableRandom(3);
    for (int trial = 0; trial < 20; trial++) {
      int t = 2 + r.nextInt(4);
      double[][] g = new double[t][6];
      for (double[] v : g) {
        for (int k = 0; k < v.length; k++) {
          v[k] = Host.gaussian(r);
        }
      }
      double[][] gram = new double[t][t];
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          for (int k = 0; k < 6; k++) {
            gram[i][j] += g[i][k] * g[j][k];
          }
        }
      }
      long stepSeed = r.nextLong();
      double[] beta = ProjectingConflictingGradients.coefficients(gram, stepSeed);
      double[] viaBeta = new double[6];
      for (int i = 0; i < t; i++) {
        for (int k = 0; k < 6; k++) {
          viaBeta[k] += beta[i] * g[i][k];
        }
      }
      assertArrayEquals(directPcGrad(g, stepSeed), viaBeta, 1e-9, "trial " + trial);
    }
  }

  @Test
  void visitingOrderDependsOnSeedAndStepButIsReproducible() {
    int[] a = {0, 1, 2, 3, 4, 5, 6, 7};
    int[] b = a.clone();
    int[] c = a.clone();
    RandomDraws.shuffle(a, CounterRng.derive(CounterRng.derive(1, 0), 2));
    RandomDraws.shuffle(b, CounterRng.derive(CounterRng.derive(1, 0), 2));
    RandomDraws.shuffle(c, CounterRng.derive(CounterRng.derive(1, 1), 2));
    assertArrayEquals(a, b);
    assertTrue(!java.util.Arrays.equals(a, c), "different steps should give other orders");
    int[] sorted = a.clone();
    java.util.Arrays.sort(sorted);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, sorted, "a permutation");
  }
}
