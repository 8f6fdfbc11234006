package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingContext;

/**
 * GLS, FAMO, STCH, DB-MTL and ExcessMTL in closed form on {@link LinearLosses} ({@code L_t = θ ·
 * g_t}, so {@code ∇L_t = g_t} exactly), following each paper's formulas step by step.
 */
class LossLevelMethodsPaperTest {
  static final double[] G1 = {3, 4};
  static final double[] G2 = {1, 0};

  private static TaskWeighting create(
      TaskWeightingProvider p, Map<String, Object> options, ReferenceBackend b) {
    return p.create(
        Options.parse(options, p.options(), "weighting.options"),
        new WeightingContext(PcGradClosedFormTest.TWO, b, 0));
  }

  /** One step at θ with fresh gradients; returns the reported weights. */
  private static double[] step(TaskWeighting w, LinearLosses f, int epoch, long index) {
    f.zeroGrad();
    try (TensorScope s = f.scope()) {
      return w.backward(f.step(epoch, index));
    }
  }

  // ---------------------------------------------------------------------------------- GLS

  /** θ = (1, 1): L = (7, 1); ∇ (L1 L2)^½ = (L2 g1 + L1 g2) / (2 √(L1 L2)) = (10, 4) / (2√7). */
  @Test
  void glsIsTheGradientOfTheGeometricMean() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(b, PcGradClosedFormTest.TWO, new double[] {1, 1}, G1, G2);
        TaskWeighting w = create(new GlsProvider(), Map.of(), b)) {
      double r7 = Math.sqrt(7);
      double[] beta = step(w, f, 0, 0);
      assertArrayEquals(new double[] {r7 / 14, r7 / 2}, beta, 1e-12);
      assertArrayEquals(new double[] {10 / (2 * r7), 4 / (2 * r7)}, f.thetaGrad(), 1e-6);
    }
  }

  /** Scaling one loss by c scales the GLS gradient by √c: its direction is scale-invariant. */
  @Test
  void glsDirectionIgnoresTheScaleOfALoss() {
    double[] plain = GeometricLossStrategy.weightsFor(new double[] {7, 1});
    double[] scaled = GeometricLossStrategy.weightsFor(new double[] {7 * 100, 1});
    // gradient = β1 g1 + β2 g2 with g1 scaled by 100 too
    double[] a = {plain[0] * 3 + plain[1], plain[0] * 4};
    double[] c = {scaled[0] * 300 + scaled[1], scaled[0] * 400};
    assertEquals(10, c[0] / a[0], 1e-12);
    assertEquals(10, c[1] / a[1], 1e-12);
  }

  // ---------------------------------------------------------------------------------- FAMO

  /**
   * First step: z uniform, β = (1/L) / Σ(1/L) = (1/8, 7/8) for L = (7, 1). The losses then fall to
   * (6, 0.5): δ = (log 7/6, log 2); the first Adam step moves each logit by lr against the sign of
   * z ⊙ (δ − z·δ), so the task whose loss fell less (task 1) gains weight: ξ = (lr, −lr).
   */
  @Test
  void famoWeighsLogLossesAndShiftsWeightToTheLaggingTask() {
    double lr = 0.025;
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(b, PcGradClosedFormTest.TWO, new double[] {1, 1}, G1, G2);
        TaskWeighting w = create(new FamoProvider(), Map.of("lr", lr, "gamma", 0.0), b)) {
      assertArrayEquals(new double[] {1.0 / 8, 7.0 / 8}, step(w, f, 0, 0), 1e-9);
      assertArrayEquals(new double[] {3.0 / 8 + 7.0 / 8, 4.0 / 8}, f.thetaGrad(), 1e-6);
      Host.set(b, f.theta, 0.5, 1.125); // L = (6, 0.5)
      double[] beta = step(w, f, 0, 1);
      double z1 = Math.exp(lr) / (Math.exp(lr) + Math.exp(-lr));
      double z2 = 1 - z1;
      double c = z1 / 6 + z2 / 0.5;
      assertArrayEquals(new double[] {z1 / (c * 6), z2 / (c * 0.5)}, beta, 1e-7);
      double[] z = ((FastAdaptiveMultitask) w).taskWeights();
      assertTrue(z[0] > 0.5, "the task whose loss fell less gains weight: " + z[0]);
    }
  }

  /**
   * With equal relative decreases δ is constant and the logits' gradient z ⊙ (δ − z·δ) vanishes (up
   * to the 1e-8 shift of the losses); unequal decreases push weight to the slower task.
   */
  @Test
  void famoLogitGradientVanishesWhenLossesFallAtTheSameRate() {
    double[] z = {0.3, 0.7};
    double[] same =
        FastAdaptiveMultitask.logitGradient(z, new double[] {8, 2}, new double[] {4, 1});
    assertArrayEquals(new double[] {0, 0}, same, 1e-8);
    double[] slower =
        FastAdaptiveMultitask.logitGradient(z, new double[] {8, 2}, new double[] {6, 1});
    // δ = (log 4/3, log 2), z·δ = 0.3 log 4/3 + 0.7 log 2
    double zd = 0.3 * Math.log(4.0 / 3) + 0.7 * Math.log(2);
    assertArrayEquals(
        new double[] {0.3 * (Math.log(4.0 / 3) - zd), 0.7 * (Math.log(2) - zd)}, slower, 1e-8);
    assertTrue(slower[0] < 0, "descent raises the logit of the task whose loss fell less");
  }

  // ---------------------------------------------------------------------------------- STCH

  private static final double[] G2B = {2, 0};

  /**
   * Warm-up 0: epoch 0 trains Σ log L (β = 1/L) and measures the nadir n = (7, 2). Epoch 1 at L =
   * (7, 1): log(L/n) = (0, log ½), p = softmax = (2/3, 1/3), β = T p / L = (4/21, 2/3); as μ → 0
   * all weight goes to the worst normalised task (Tchebycheff).
   */
  @Test
  void stchFollowsItsWarmUpNadirAndSmoothMaximum() {
    for (double mu : new double[] {1.0, 0.01}) {
      try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
          LinearLosses f =
              new LinearLosses(b, PcGradClosedFormTest.TWO, new double[] {1, 1}, G1, G2B);
          TaskWeighting w = create(new StchProvider(), Map.of("mu", mu, "warmup_epochs", 0), b)) {
        assertArrayEquals(new double[] {1.0 / 7, 1.0 / 2}, step(w, f, 0, 0), 1e-12);
        assertArrayEquals(new double[] {1.0 / 7, 1.0 / 2}, step(w, f, 0, 1), 1e-12);
        Host.set(b, f.theta, 0.5, 1.375); // L = (7, 1)
        double[] beta = step(w, f, 1, 2);
        if (mu == 1.0) {
          assertArrayEquals(new double[] {4.0 / 21, 2.0 / 3}, beta, 1e-9);
          assertArrayEquals(
              new double[] {4.0 / 21 * 3 + 2.0 / 3 * 2, 4.0 / 21 * 4}, f.thetaGrad(), 1e-6);
        } else {
          assertArrayEquals(new double[] {2.0 / 7, 0}, beta, 1e-12);
        }
      }
    }
  }

  /** Without warm-up epochs done the weights stay those of the log losses. */
  @Test
  void stchWarmsUpOnLogLosses() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(b, PcGradClosedFormTest.TWO, new double[] {1, 1}, G1, G2);
        TaskWeighting w = create(new StchProvider(), Map.of("warmup_epochs", 2), b)) {
      for (int epoch = 0; epoch < 3; epoch++) {
        assertArrayEquals(new double[] {1.0 / 7, 1}, step(w, f, epoch, epoch), 1e-12);
      }
      assertArrayEquals(new double[] {7, 1}, ((SmoothTchebycheff) w).nadir(), 1e-12);
    }
  }

  // ---------------------------------------------------------------------------------- DB-MTL

  /**
   * L = (7, 1): log-loss gradients g1/7 = (3, 4)/7 (norm 5/7) and g2 = (1, 0). Step 1 (β = 0.9, σ =
   * 0): momenta 0.1·(3, 4)/7 and 0.1·(1, 0), α = (max norm / norm) = (7/5, 1), update 0.02·(3, 4) +
   * 0.1·(1, 0) = (0.16, 0.08). Step 2 at the same θ: momenta 0.19·g/L, the same α: 1.9 times it.
   */
  @Test
  void dbMtlBalancesLogLossGradientMomentaToTheLargestNorm() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(b, PcGradClosedFormTest.TWO, new double[] {1, 1}, G1, G2);
        TaskWeighting w = create(new DbMtlProvider(), Map.of("beta_sigma", 0.0), b)) {
      assertArrayEquals(new double[] {1.4, 1}, step(w, f, 0, 0), 1e-6);
      assertArrayEquals(new double[] {0.16, 0.08}, f.thetaGrad(), 1e-7);
      assertArrayEquals(new double[] {1.4, 1}, step(w, f, 0, 1), 1e-6);
      assertArrayEquals(new double[] {0.304, 0.152}, f.thetaGrad(), 1e-7);
    }
  }

  /** β_k = β / k^σ: with σ = 1 the second step's momentum is 0.45 old + 0.55 new. */
  @Test
  void dbMtlMomentumDecaysWithSigma() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(b, PcGradClosedFormTest.TWO, new double[] {1, 1}, G1, G2);
        TaskWeighting w = create(new DbMtlProvider(), Map.of("beta_sigma", 1.0), b)) {
      step(w, f, 0, 0);
      step(w, f, 0, 1);
      double m = 0.45 * 0.1 + 0.55; // times g/L, for both tasks
      assertArrayEquals(new double[] {m * 1.6, m * 0.8}, f.thetaGrad(), 1e-7);
    }
  }

  // ---------------------------------------------------------------------------------- ExcessMTL

  /**
   * Step 1 records the risks e = gᵀ g / √(g ⊙ g + 1e-7) = (3 + 4, 1) and keeps w = (1, 1). Step 2
   * with task 2's gradient (2, 0): H2 = (5, 0), e2 / e2⁰ = 4/√5, while task 1's (H1 = (18, 32)) is
   * (9/√18 + 16/√32) / 7 = 1/√2; w ∝ exp(0.01 · ratio), renormalised to sum to 2.
   */
  @Test
  void excessMtlUpweightsTheTaskWithTheLargerEstimatedExcessRisk() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(b, PcGradClosedFormTest.TWO, new double[] {1, 1}, G1, G2);
        LinearLosses f2 =
            new LinearLosses(b, PcGradClosedFormTest.TWO, new double[] {1, 1}, G1, G2B);
        TaskWeighting w = create(new ExcessMtlProvider(), Map.of(), b)) {
      assertArrayEquals(new double[] {1, 1}, step(w, f, 0, 0), 0);
      assertArrayEquals(new double[] {4, 4}, f.thetaGrad(), 1e-6);
      double e1 = Math.exp(0.01 / Math.sqrt(2));
      double e2 = Math.exp(0.01 * 4 / Math.sqrt(5));
      double[] want = {2 * e1 / (e1 + e2), 2 * e2 / (e1 + e2)};
      f2.zeroGrad();
      double[] got;
      try (TensorScope s = f2.scope()) {
        got = w.backward(f2.step(0, 1));
      }
      assertArrayEquals(want, got, 1e-7);
      assertArrayEquals(
          new double[] {want[0] * 3 + want[1] * 2, want[0] * 4}, f2.thetaGrad(), 1e-6);
    }
  }

  // ---------------------------------------------------------------------------------- options

  @Test
  void optionsOutOfRangeAreUserErrorsNamingTheKey() {
    List<Object[]> bad =
        List.of(
            new Object[] {new FamoProvider(), "lr", 0.0},
            new Object[] {new FamoProvider(), "gamma", -1.0},
            new Object[] {new StchProvider(), "mu", 0.0},
            new Object[] {new StchProvider(), "warmup_epochs", -1},
            new Object[] {new DbMtlProvider(), "beta", 1.0},
            new Object[] {new DbMtlProvider(), "beta_sigma", -0.5},
            new Object[] {new ExcessMtlProvider(), "robust_step_size", 0.0});
    try (ReferenceBackend b = new ReferenceBackend()) {
      for (Object[] c : bad) {
        TaskWeightingProvider p = (TaskWeightingProvider) c[0];
        OptionsException e =
            assertThrows(
                OptionsException.class, () -> create(p, Map.of((String) c[1], c[2]), b).close());
        assertTrue(
            e.getMessage().contains("weighting.options." + c[1]), p.name() + ": " + e.getMessage());
      }
    }
  }
}
