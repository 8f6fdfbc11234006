package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class MoCoClosedFormTest {

  @Test
  void theFirstStepTracksHalfTheScaledGradientsAndMovesTheWeightsOnce() {
    // g1 = (3, 0), g2 = (0, 1), θ = (1, 1): L = (3, 1), ĝ = L g / ‖g‖ = (3, 0), (0, 1);
    // k = 1: y = 0.5 ĝ = (1.5, 0), (0, 0.5); YY^T = diag(2.25, 0.25);
    // λ = Π(1/2 − 0.1 (1.125, 0.125)) = Π(0.3875, 0.4875) = (0.45, 0.55); d = λ1 y1 + λ2 y2
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b,
                PcGradClosedFormTest.TWO,
                new double[] {1, 1},
                new double[] {3, 0},
                new double[] {0, 1});
        MomentumCorrection m = new MomentumCorrection(2, b, 0.5, 0.5, 0.1, 0.5, 0);
        TensorScope s = f.scope()) {
      double[] lambda = m.backward(f.step(0, 0));
      double l1 = 0.45;
      assertArrayEquals(new double[] {l1, 1 - l1}, lambda, 1e-12);
      assertArrayEquals(new double[] {1.5 * l1, 0.5 * (1 - l1)}, f.thetaGrad(), 1e-7);
      assertArrayEquals(new double[] {1.5, 0}, m.state().get("moco.y.0"), 1e-7);
      assertArrayEquals(new double[] {0, 0.5}, m.state().get("moco.y.1"), 1e-7);
      assertEquals(1.0, m.state().get("moco.step")[0]);
    }
  }

  @Test
  void withConstantGradientsTheEstimatesConvergeToTheScaledGradients() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b,
                PcGradClosedFormTest.TWO,
                new double[] {1, 1},
                new double[] {3, 0},
                new double[] {0, 1});
        MomentumCorrection m = new MomentumCorrection(2, b, 0.5, 0.5, 0.1, 0.5, 0)) {
      for (int step = 0; step < 200; step++) {
        try (TensorScope s = f.scope()) {
          f.zeroGrad();
          m.backward(f.step(0, step));
        }
      }
      assertArrayEquals(new double[] {3, 0}, m.state().get("moco.y.0"), 1e-5);
      assertArrayEquals(new double[] {0, 1}, m.state().get("moco.y.1"), 1e-5);
      // λ descends ½ λ^T YY^T λ on the simplex to MGDA's min-norm weights for (3, 0), (0, 1)
      assertArrayEquals(new double[] {0.1, 0.9}, m.state().get("moco.lambda"), 1e-4);
    }
  }
}
