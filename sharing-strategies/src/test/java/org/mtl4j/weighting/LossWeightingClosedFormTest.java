package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.weighting.WeightingContext;
import org.mtl4j.api.weighting.WeightingStep;

class LossWeightingClosedFormTest {
  static final double[] G1 = {3, 4};
  static final double[] G2 = {1, 0};

  @Test
  void staticUsesEachTasksWeight() {
    List<Task> tasks =
        List.of(
            Task.of("a", TaskType.REGRESSION, 1).withWeight(0.3),
            Task.of("b", TaskType.BINARY, 1).withWeight(2.0));
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f = new LinearLosses(b, tasks, new double[] {1, 1}, G1, G2);
        TensorScope s = f.scope()) {
      double[] w =
          new StaticWeightingProvider()
              .create(Options.defaults(List.of()), new WeightingContext(tasks, b, 0))
              .backward(f.step(0, 0));
      assertArrayEquals(new double[] {0.3, 2.0}, w, 0);
      assertArrayEquals(new double[] {0.3 * 3 + 2.0, 0.3 * 4}, f.thetaGrad(), 1e-7);
    }
  }

  @Test
  void equalSumsTheLosses() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f =
            new LinearLosses(b, PcGradClosedFormTest.TWO, new double[] {1, 1}, G1, G2);
        TensorScope s = f.scope()) {
      assertArrayEquals(new double[] {1, 1}, new EqualWeighting(2).backward(f.step(0, 0)), 0);
      assertArrayEquals(new double[] {4, 4}, f.thetaGrad(), 0);
    }
  }

  @Test
  void uncertaintyObjectiveAndGradientFollowKendallsFormulas() {
    // regression task: 0.5·exp(-s)·L + 0.5·s; classification task: exp(-s)·L + 0.5·s
    List<Task> tasks =
        List.of(Task.of("depth", TaskType.REGRESSION, 1), Task.of("seg", TaskType.MULTICLASS, 3));
    double s1 = 0.3;
    double s2 = -0.2;
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        LinearLosses f = new LinearLosses(b, tasks, new double[] {1, 0.5}, G1, G2);
        UncertaintyWeighting u = new UncertaintyWeighting(tasks, b, 0.0);
        TensorScope s = f.scope()) {
      Parameter p1 = u.parameters().get(0);
      Parameter p2 = u.parameters().get(1);
      Host.set(b, p1, s1);
      Host.set(b, p2, s2);
      double l1 = 3 + 2; // θ·g1
      double l2 = 1;
      WeightingStep step = f.step(0, 0);
      double[] eff = new double[2];
      Var objective = u.objective(step, eff);
      double expected = 0.5 * Math.exp(-s1) * l1 + 0.5 * s1 + Math.exp(-s2) * l2 + 0.5 * s2;
      assertEquals(expected, b.scalar(objective.value()), 1e-6);

      double[] weights = u.backward(f.step(0, 1));
      double w1 = 0.5 * Math.exp(-(double) (float) s1);
      double w2 = Math.exp(-(double) (float) s2);
      assertArrayEquals(new double[] {w1, w2}, weights, 1e-7);
      assertEquals(-0.5 * Math.exp(-s1) * l1 + 0.5, Host.grad(b, p1)[0], 1e-6);
      assertEquals(-Math.exp(-s2) * l2 + 0.5, Host.grad(b, p2)[0], 1e-6);
      assertArrayEquals(new double[] {w1 * 3 + w2 * 1, w1 * 4}, f.thetaGrad(), 1e-6);
    }
  }

  @Test
  void uncertaintyDoesNotUseTheRegressionFormForClassification() {
    assertEquals(0.5, UncertaintyWeighting.lossFactor(TaskType.REGRESSION));
    for (TaskType t : List.of(TaskType.MULTICLASS, TaskType.BINARY, TaskType.MULTILABEL)) {
      assertEquals(1.0, UncertaintyWeighting.lossFactor(t), t.name());
    }
  }

  @Test
  void dwaWeightsFromFixedLossHistories() {
    DynamicWeightAverage dwa = new DynamicWeightAverage(2, 2.0);
    assertArrayEquals(new double[] {1, 1}, dwa.weightsForEpoch(0), 0);
    dwa.endEpoch(0, new double[] {1.0, 2.0});
    assertArrayEquals(new double[] {1, 1}, dwa.weightsForEpoch(1), 0);
    dwa.endEpoch(1, new double[] {0.5, 1.8});
    // r = (0.5/1.0, 1.8/2.0) = (0.5, 0.9); w = 2·softmax(r / 2) = 2 / (1 + e^(±0.2))
    double e1 = Math.exp(0.25);
    double e2 = Math.exp(0.45);
    double[] expected = {2 * e1 / (e1 + e2), 2 * e2 / (e1 + e2)};
    assertArrayEquals(new double[] {0.9003320, 1.0996680}, expected, 1e-6);
    assertArrayEquals(expected, dwa.weightsForEpoch(2), 1e-12);
    dwa.endEpoch(2, new double[] {0.25, 1.8});
    // r = (0.5, 1.0)
    double f1 = Math.exp(0.25);
    double f2 = Math.exp(0.5);
    assertArrayEquals(
        new double[] {2 * f1 / (f1 + f2), 2 * f2 / (f1 + f2)}, dwa.weightsForEpoch(3), 1e-12);
    // temperature 1 sharpens: r = (0.5, 1.0)
    DynamicWeightAverage sharp = new DynamicWeightAverage(2, 1.0);
    sharp.restore(dwa.state());
    double h1 = Math.exp(0.5);
    double h2 = Math.exp(1.0);
    assertArrayEquals(
        new double[] {2 * h1 / (h1 + h2), 2 * h2 / (h1 + h2)}, sharp.weightsForEpoch(3), 1e-12);
  }

  @Test
  void dwaRejectsBadLossesAndTemperature() {
    DynamicWeightAverage dwa = new DynamicWeightAverage(2, 2.0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> dwa.endEpoch(0, new double[] {1}));
    assertTrue(e.getMessage().contains("2 mean task losses"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> dwa.endEpoch(0, new double[] {1, 0}));
    assertTrue(e.getMessage().contains("positive"), e.getMessage());
    DwaProvider p = new DwaProvider();
    try (ReferenceBackend b = new ReferenceBackend()) {
      e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  p.create(
                      Options.parse(Map.of("temperature", -1.0), p.options(), "weighting.options"),
                      new WeightingContext(PcGradClosedFormTest.TWO, b, 0)));
      assertTrue(e.getMessage().contains("weighting.options.temperature"), e.getMessage());
    }
  }

  @Test
  void rlwDrawsSoftmaxOfStandardNormalsReproducibly() {
    RandomLossWeighting rlw =
        new RandomLossWeighting(3, RandomLossWeighting.Distribution.NORMAL, 17);
    double[] a = rlw.weightsForStep(5);
    assertArrayEquals(
        a,
        new RandomLossWeighting(3, RandomLossWeighting.Distribution.NORMAL, 17).weightsForStep(5),
        0);
    assertTrue(!java.util.Arrays.equals(a, rlw.weightsForStep(6)), "fresh weights each step");
    long s = org.mtl4j.api.backend.CounterRng.derive(17, 5);
    double[] z = {
      RandomDraws.gaussian(s, 0), RandomDraws.gaussian(s, 1), RandomDraws.gaussian(s, 2)
    };
    double sum = Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]);
    assertArrayEquals(
        new double[] {Math.exp(z[0]) / sum, Math.exp(z[1]) / sum, Math.exp(z[2]) / sum}, a, 1e-12);
    // over many steps the raw draws are standard normal
    double m = 0;
    double v = 0;
    int n = 20000;
    for (int i = 0; i < n; i++) {
      double x = RandomDraws.gaussian(i, 0);
      m += x / n;
      v += x * x / n;
    }
    assertEquals(0.0, m, 0.03);
    assertEquals(1.0, v, 0.05);
  }

  @Test
  void rlwOtherDistributions() {
    for (RandomLossWeighting.Distribution d : RandomLossWeighting.Distribution.values()) {
      RandomLossWeighting rlw = new RandomLossWeighting(4, d, 3);
      for (int step = 0; step < 200; step++) {
        double[] w = rlw.weightsForStep(step);
        double sum = 0;
        int ones = 0;
        for (double x : w) {
          assertTrue(x >= 0, d + " weight " + x);
          sum += x;
          ones += x == 1.0 ? 1 : 0;
        }
        switch (d) {
          case NORMAL, UNIFORM, DIRICHLET -> assertEquals(1.0, sum, 1e-12, d.name());
          case BERNOULLI -> {
            assertTrue(sum >= 1, "at least one task drawn");
            assertEquals(sum, ones, "0/1 weights");
          }
          case CONSTRAINED_BERNOULLI -> {
            assertEquals(1.0, sum, 0);
            assertEquals(1, ones);
          }
          default -> throw new AssertionError(d);
        }
      }
    }
  }
}
