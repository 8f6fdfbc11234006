package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SdmGradClosedFormTest {
  private static final double[][] G = MgdaClosedFormTest.gram(new double[][] {{2, 0}, {0, 1}});

  @Test
  void lambdaZeroReachesMgdasMinNormPoint() {
    // g1 = (2, 0), g2 = (0, 1): the min-norm weights are (1/5, 4/5) (MgdaClosedFormTest)
    StochasticDirectionMultiGradient m = new StochasticDirectionMultiGradient(2, false, 0, 200);
    assertArrayEquals(new double[] {0.2, 0.8}, m.coefficients(G, 0), 1e-9);
    assertEquals(0, m.report().nonConverged());
  }

  @Test
  void theRegularisedProblemHasItsClosedForm() {
    // w = (γ, 1 − γ): ½‖γ g1 + (1−γ) g2‖² + λ g0·(γ g1 + (1−γ) g2), g0 = (1, 1/2), scaled by
    // s = (mean norm)² = 2.25: derivative (4γ − (1 − γ) + λ (2 − 1/2)) / s = 0 -> γ = (1 − 1.5λ)/5
    double lambda = 0.3;
    StochasticDirectionMultiGradient m =
        new StochasticDirectionMultiGradient(2, false, lambda, 200);
    double[] beta = m.coefficients(G, 0);
    double gamma = (1 - 1.5 * lambda) / 5;
    assertArrayEquals(
        new double[] {(gamma + lambda / 2) / (1 + lambda), (1 - gamma + lambda / 2) / (1 + lambda)},
        beta,
        1e-9);
  }

  @Test
  void largeLambdaGivesTheMeanGradient() {
    double[] beta = new StochasticDirectionMultiGradient(2, false, 1e6, 20).coefficients(G, 0);
    assertArrayEquals(new double[] {0.5, 0.5}, beta, 1e-5);
  }

  @Test
  void tooFewIterationsAreReportedAndTheWarmStartIsState() {
    StochasticDirectionMultiGradient m = new StochasticDirectionMultiGradient(2, false, 0, 1);
    m.coefficients(new double[][] {{100, 0}, {0, 1}}, 3); // optimum (1/101, 100/101), far
    assertEquals(1, m.report().nonConverged());
    StochasticDirectionMultiGradient enough =
        new StochasticDirectionMultiGradient(2, false, 0, 500);
    enough.coefficients(new double[][] {{100, 0}, {0, 1}}, 3);
    assertEquals(0, enough.report().nonConverged());
    StochasticDirectionMultiGradient other = new StochasticDirectionMultiGradient(2, false, 0, 1);
    other.restore(Map.of("sdmgrad.w", m.state().get("sdmgrad.w")));
    assertArrayEquals(m.coefficients(G, 4), other.coefficients(G, 4), 0);
  }
}
