package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.optim.Adam;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingContext;

/**
 * Kendall et al. 2018: with homoscedastic noise σ_1 = 1 and σ_2 = 4 on two regression tasks, the
 * learned variances approach the noise variances, so σ_2²/σ_1² should approach 16.
 */
class UncertaintyBehaviourTest {

  /**
   * A fresh batch y_t = a_t·x + σ_t·ε (the data stream is unlimited, as in the paper's setting).
   */
  private static Batch sample(
      ComputeBackend b, SplittableRandom r, int n, double[] a1, double[] a2, double s1, double s2) {
    int d = a1.length;
    float[] x = new float[n * d];
    float[] y1 = new float[n];
    float[] y2 = new float[n];
    for (int i = 0; i < n; i++) {
      double f1 = 0;
      double f2 = 0;
      for (int k = 0; k < d; k++) {
        double v = Host.gaussian(r);
        x[i * d + k] = (float) v;
        f1 += a1[k] * v;
        f2 += a2[k] * v;
      }
      y1[i] = (float) (f1 + s1 * Host.gaussian(r));
      y2[i] = (float) (f2 + s2 * Host.gaussian(r));
    }
    return new Batch(
        b.fromHost(Shape.matrix(n, d), x),
        Map.of(
            "low", b.fromHost(Shape.column(n), y1),
            "high", b.fromHost(Shape.column(n), y2)),
        Map.of());
  }

  private static void close(Batch batch) {
    batch.features().close();
    batch.targets().values().forEach(Tensor::close);
  }

  @Test
  void learnsTheNoiseVarianceRatioOfTwoRegressionTasks() {
    int n = 256;
    int d = 8;
    double sigma1 = 1;
    double sigma2 = 4;
    List<Task> tasks =
        List.of(Task.of("low", TaskType.REGRESSION, 1), Task.of("high", TaskType.REGRESSION, 1));
    ComputeBackend b = new ReferenceBackend();
    try (b) {
      SplittableRandom r = new SplittableRandom(2018);
      double[] a1 = new double[d];
      double[] a2 = new double[d];
      for (int k = 0; k < d; k++) {
        a1[k] = Host.gaussian(r) / Math.sqrt(d);
        a2[k] = Host.gaussian(r) / Math.sqrt(d);
      }
      TinyNetwork net = new TinyNetwork(b, d, List.of(16), Activation.TANH, tasks, 0, 5);
      UncertaintyWeightingProvider provider = new UncertaintyWeightingProvider();
      TaskWeighting w =
          provider.create(Options.defaults(provider.options()), new WeightingContext(tasks, b, 1));
      List<Parameter> params = new ArrayList<>(net.parameters());
      params.addAll(w.parameters());
      Adam adam = Adam.defaults(b, 0.02);
      double[] losses = null;
      for (int step = 0; step < 800; step++) {
        adam.zeroGrad(params);
        Batch batch = sample(b, r, n, a1, a2, sigma1, sigma2);
        try (TrainingStep ts = new TrainingStep(b, net, batch, 0, step, true)) {
          losses = ts.step.lossValues();
          w.backward(ts.step);
        }
        close(batch);
        adam.step(params);
        w.afterOptimizerStep();
      }
      double s1 = b.scalar(w.parameters().get(0).value());
      double s2 = b.scalar(w.parameters().get(1).value());
      double ratio = Math.exp(s2 - s1);
      System.out.printf(
          "uncertainty: sigma1^2=%.3f sigma2^2=%.3f ratio=%.2f (target 16), final MSE %.3f %.3f%n",
          Math.exp(s1), Math.exp(s2), ratio, losses[0], losses[1]);
      assertEquals(16.0, ratio, 0.25 * 16.0, "learned sigma2^2 / sigma1^2");
      assertEquals(1.0, Math.exp(s1), 0.25, "learned sigma1^2");
      assertEquals(16.0, Math.exp(s2), 0.25 * 16.0, "learned sigma2^2");
      adam.close();
      w.close();
      net.close();
    }
  }
}
