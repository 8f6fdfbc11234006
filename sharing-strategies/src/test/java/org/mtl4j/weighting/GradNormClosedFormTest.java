package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class GradNormClosedFormTest {

  @Test
  void weightGradientOnFixedGradientsAndLosses() {
    // w = (1, 1), |∇_W L_t| = (1, 3): G = (1, 3), G̅ = 2.
    // L = (0.5, 0.9), L(0) = (1, 1): L̃ = (0.5, 0.9), r = L̃ / 0.7 = (0.714286, 1.285714).
    // α = 1.5: target = 2·r^1.5 = (1.207363, 2.915726); G − target = (−0.207, +0.084)
    // ∂/∂w_t |G_t − target_t| = sign(G_t − target_t)·|∇_W L_t| = (−1, +3)
    double[] dw =
        GradNorm.weightGradient(
            new double[] {1, 1},
            new double[] {1, 3},
            new double[] {0.5, 0.9},
            new double[] {1, 1},
            1.5);
    assertArrayEquals(new double[] {-1, 3}, dw, 0);
    // α = 0 targets G̅ = 2 for both: w = (3, 0.5), norms (1, 2): G = (3, 1) → (+1, −2)
    dw =
        GradNorm.weightGradient(
            new double[] {3, 0.5},
            new double[] {1, 2},
            new double[] {1, 1},
            new double[] {1, 1},
            0);
    assertArrayEquals(new double[] {1, -2}, dw, 0);
    // α = 3 with r = (0.5, 1.5): targets G̅·(0.125, 3.375) with G = (2, 2), G̅ = 2:
    // (0.25, 6.75): G − target = (+1.75, −4.75) → (+2, −2) for norms (2, 2)
    dw =
        GradNorm.weightGradient(
            new double[] {1, 1}, new double[] {2, 2}, new double[] {1, 3}, new double[] {2, 2}, 3);
    assertArrayEquals(new double[] {2, -2}, dw, 0);
  }

  @Test
  void renormalisationMakesTheWeightsSumToTheTaskCount() {
    assertArrayEquals(
        new double[] {0.375, 1.875, 0.75},
        GradNorm.renormalised(new double[] {0.5, 2.5, 1.0}),
        1e-15);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> GradNorm.renormalised(new double[] {-1, 0.5}));
    assertTrue(e.getMessage().contains("sum to"), e.getMessage());
  }

  @Test
  void stepUsesFirstStepLossesAndWritesTheWeightGradient() {
    // θ = (1, 1), g1 = (3, 4) (norm 5), g2 = (1, 0) (norm 1): L = (7, 1) = L(0), r = (1, 1).
    // w = (1, 1): G = (5, 1), target = G̅ = 3 → ∂L_grad/∂w = (+5, −1); θ.grad = g1 + g2.
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b,
                PcGradClosedFormTest.TWO,
                new double[] {1, 1},
                new double[] {3, 4},
                new double[] {1, 0});
        GradNorm gn = new GradNorm(2, 1.5, b);
        TensorScope s = f.scope()) {
      Parameter w = gn.parameters().get(0);
      assertArrayEquals(new double[] {1, 1}, gn.backward(f.step(0, 0)), 0);
      assertArrayEquals(new double[] {5, -1}, Host.grad(b, w), 1e-6);
      assertArrayEquals(new double[] {4, 4}, f.thetaGrad(), 1e-6);
      assertArrayEquals(new double[] {7, 1}, gn.state().get("initial_losses"), 1e-6);

      // an optimiser moved the weights to (1.5, 0.7): renormalised to (1.363636, 0.636364)
      Host.set(b, w, 1.5, 0.7);
      gn.afterOptimizerStep();
      assertArrayEquals(new double[] {1.5 * 2 / 2.2, 0.7 * 2 / 2.2}, gn.currentWeights(), 1e-6);

      // second step, θ = (1, 0.25): L = (4, 1), L̃ = (4/7, 1), r = (0.727, 1.273);
      // G = w ∘ (5, 1) = (6.818, 0.636), G̅ = 3.727; target = G̅·r^1.5 = (2.312, 5.353):
      // signs (+, −) → (+5, −1); θ.grad = w1·g1 + w2·g2
      Host.set(b, f.theta, 1, 0.25);
      b.fill(w.grad(), 0f);
      f.zeroGrad();
      double[] used = gn.backward(f.step(0, 1));
      double w1 = 1.5 * 2 / 2.2;
      double w2 = 0.7 * 2 / 2.2;
      assertArrayEquals(new double[] {w1, w2}, used, 1e-6);
      assertArrayEquals(new double[] {5, -1}, Host.grad(b, w), 1e-6);
      assertArrayEquals(new double[] {3 * w1 + w2, 4 * w1}, f.thetaGrad(), 1e-6);
      assertArrayEquals(
          new double[] {7, 1},
          gn.state().get("initial_losses"),
          1e-6,
          "L(0) stays the first step's");
    }
  }

  @Test
  void failsClearlyWithoutALastSharedWeight() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b,
                PcGradClosedFormTest.TWO,
                new double[] {1, 1},
                new double[] {3, 4},
                new double[] {1, 0});
        GradNorm gn = new GradNorm(2, 1.5, b);
        TensorScope s = f.scope()) {
      var full = f.step(0, 0);
      var noLast =
          new org.mtl4j.api.weighting.WeightingStep(
              full.graph(),
              full.tasks(),
              full.losses(),
              null,
              full.sharedParameters(),
              full.taskParameters(),
              null,
              null,
              0,
              0);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> gn.backward(noLast));
      assertTrue(e.getMessage().contains("last shared weight"), e.getMessage());
    }
  }
}
