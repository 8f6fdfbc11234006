package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingContext;

class ImtlClosedFormTest {

  private static TaskWeighting create(ReferenceBackend b, Map<String, Object> raw) {
    ImtlProvider p = new ImtlProvider();
    return p.create(
        Options.parse(raw, p.options(), "weighting.options"),
        new WeightingContext(PcGradClosedFormTest.TWO, b, 1));
  }

  @Test
  void twoGradientsGetEqualProjectionsByHand() {
    // g1 = (2, 0), g2 = (0, 1): g = α g1 + (1 − α) g2 = (2α, 1 − α) projects equally on (1, 0)
    // and (0, 1) when 2α = 1 − α: α = 1/3, g = (2/3, 2/3)
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b,
                PcGradClosedFormTest.TWO,
                new double[] {0.5, 0.5},
                new double[] {2, 0},
                new double[] {0, 1});
        TaskWeighting w = create(b, Map.of("mode", "gradient"));
        TensorScope s = f.scope()) {
      double[] alpha = w.backward(f.step(0, 0));
      assertArrayEquals(new double[] {1.0 / 3, 2.0 / 3}, alpha, 1e-12);
      assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3}, f.thetaGrad(), 1e-7);
      assertEquals(List.of(), w.parameters());
    }
  }

  @Test
  void theCombinationProjectsEquallyOnEveryTaskOnRandomProblems() {
    SplittableRandom r = new SplittableRandom(23);
    for (int trial = 0; trial < 50; trial++) {
      int t = 2 + r.nextInt(6);
      double[][] g = new double[t][12];
      for (double[] v : g) {
        double scale = Math.exp(3 * Host.gaussian(r)); // very different gradient norms
        for (int k = 0; k < v.length; k++) {
          v[k] = scale * Host.gaussian(r);
        }
      }
      double[] alpha =
          new ImpartialGradient(t, false, null).coefficients(MgdaClosedFormTest.gram(g));
      double sum = 0;
      for (double a : alpha) {
        sum += a;
      }
      assertEquals(1.0, sum, 1e-9, "trial " + trial);
      double[] d = MgdaClosedFormTest.combine(alpha, g);
      double first = projection(d, g[0]);
      for (int i = 1; i < t; i++) {
        assertEquals(first, projection(d, g[i]), 1e-7 * Math.abs(first), "trial " + trial);
      }
    }
  }

  @Test
  void identicalGradientsGetEqualWeights() {
    double[][] gram = {{4, 4, 4}, {4, 4, 4}, {4, 4, 4}};
    assertArrayEquals(
        new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3},
        new ImpartialGradient(3, false, null).coefficients(gram),
        0);
  }

  @Test
  void hybridBalancesTheScaledLossesAndTrainsTheScalesTowardsUnitLosses() {
    // θ = (1, 1): L1 = 2, L2 = 1; with s = 0 the scaled losses e^s L − s have the raw gradients,
    // so the shared gradient is IMTL-G's (2/3, 2/3), and ∂/∂s_t = e^{s_t} L_t − 1 = (1, 0)
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b,
                PcGradClosedFormTest.TWO,
                new double[] {1, 1},
                new double[] {2, 0},
                new double[] {0, 1});
        TaskWeighting w = create(b, Map.of());
        TensorScope s = f.scope()) {
      assertEquals(GradientSource.SHARED_PARAMETERS, w.gradientSource());
      double[] weights = w.backward(f.step(0, 0));
      assertArrayEquals(new double[] {1.0 / 3, 2.0 / 3}, weights, 1e-12);
      assertArrayEquals(new double[] {2.0 / 3, 2.0 / 3}, f.thetaGrad(), 1e-7);
      assertEquals(1.0, Host.grad(b, w.parameters().get(0))[0], 1e-7);
      assertEquals(0.0, Host.grad(b, w.parameters().get(1))[0], 1e-7);
      // with s_1 = ln 0.5 the first scaled loss is e^{s_1}·2 = 1: its scale is stationary
      b.fill(w.parameters().get(0).value(), (float) Math.log(0.5));
      b.fill(w.parameters().get(0).grad(), 0f);
      f.zeroGrad();
      weights = w.backward(f.step(0, 1));
      assertEquals(0.0, Host.grad(b, w.parameters().get(0))[0], 1e-7);
      // scaled gradients (1, 0) and (0, 1): α = (1/2, 1/2); reported per raw loss α·e^s
      assertArrayEquals(new double[] {0.25, 0.5}, weights, 1e-7);
      assertArrayEquals(new double[] {0.5, 0.5}, f.thetaGrad(), 1e-7);
    }
  }

  @Test
  void lossModeIsOneBackwardOfTheScaledLosses() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(
                b,
                PcGradClosedFormTest.TWO,
                new double[] {1, 1},
                new double[] {2, 0},
                new double[] {0, 1});
        TaskWeighting w = create(b, Map.of("mode", "loss"));
        TensorScope s = f.scope()) {
      assertEquals(GradientSource.NONE, w.gradientSource());
      assertArrayEquals(new double[] {1, 1}, w.backward(f.step(0, 0)), 1e-12);
      assertArrayEquals(new double[] {2, 1}, f.thetaGrad(), 1e-7);
      assertEquals(1.0, Host.grad(b, w.parameters().get(0))[0], 1e-7);
    }
  }

  @Test
  void representationGradientsWithLossModeAreRefused() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> create(b, Map.of("mode", "loss", "rep_grad", true)));
      assertTrue(e.getMessage().startsWith("weighting.options.rep_grad: 'true'"), e.getMessage());
    }
  }

  private static double projection(double[] d, double[] g) {
    double dot = 0;
    double n = 0;
    for (int k = 0; k < d.length; k++) {
      dot += d[k] * g[k];
      n += g[k] * g[k];
    }
    return dot / Math.sqrt(n);
  }
}
