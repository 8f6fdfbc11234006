package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
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
 * The toy problem of Chen et al. 2018 (§4): regression tasks {@code f_i(x) = σ_i tanh((B + ε_i) x)}
 * with B ~ N(0, 10) and ε_i ~ N(0, 3.5) element-wise, here with σ = (1, 100). The loss of the
 * second task is 10^4 times larger, so equal weights let it dominate; GradNorm must raise the
 * weight of the small-scale task. Shrunk to run on the reference backend: 25 inputs and 10 outputs
 * instead of 250 and 100, a ReLU trunk of two 32-unit layers instead of four 100-unit layers, and
 * inputs scaled by 1/sqrt(25·13.5) so that the tanh pre-activations have unit variance.
 */
class GradNormBehaviourTest {
  static final int IN = 25;
  static final int OUT = 10;

  @Test
  void raisesTheWeightOfTheSmallScaleTask() {
    double[] sigma = {1, 100};
    List<Task> tasks =
        List.of(
            Task.of("small", TaskType.REGRESSION, OUT), Task.of("large", TaskType.REGRESSION, OUT));
    try (ComputeBackend b = new ReferenceBackend()) {
      SplittableRandom r = new SplittableRandom(2018);
      double[][] base = matrix(r, Math.sqrt(10));
      double[][][] maps = new double[2][][];
      for (int t = 0; t < 2; t++) {
        double[][] eps = matrix(r, Math.sqrt(3.5));
        maps[t] = new double[OUT][IN];
        for (int o = 0; o < OUT; o++) {
          for (int i = 0; i < IN; i++) {
            maps[t][o][i] = base[o][i] + eps[o][i];
          }
        }
      }
      TinyNetwork net = new TinyNetwork(b, IN, List.of(32, 32), Activation.RELU, tasks, 0, 3);
      GradNormProvider provider = new GradNormProvider();
      TaskWeighting gradNorm =
          provider.create(Options.defaults(provider.options()), new WeightingContext(tasks, b, 1));
      Adam netOptimizer = Adam.defaults(b, 1e-3);
      Adam weightOptimizer = Adam.defaults(b, 0.025);
      double[] w = null;
      for (int step = 0; step < 400; step++) {
        netOptimizer.zeroGrad(net.parameters());
        weightOptimizer.zeroGrad(gradNorm.parameters());
        Batch batch = sample(b, r, 64, maps, sigma);
        try (TrainingStep ts = new TrainingStep(b, net, batch, 0, step, true)) {
          w = gradNorm.backward(ts.step);
        }
        batch.features().close();
        batch.targets().values().forEach(Tensor::close);
        netOptimizer.step(net.parameters());
        weightOptimizer.step(gradNorm.parameters());
        gradNorm.afterOptimizerStep();
        if (step % 100 == 0) {
          System.out.printf("gradnorm step %d: w = (%.4f, %.4f)%n", step, w[0], w[1]);
        }
      }
      double[] last = Host.values(b, gradNorm.parameters().get(0).value());
      System.out.printf(
          "gradnorm toy sigma=(1,100): final w = (%.4f, %.4f), ratio %.1f%n",
          last[0], last[1], last[0] / last[1]);
      assertEquals(2.0, last[0] + last[1], 1e-5, "renormalised to the number of tasks");
      assertTrue(last[0] > 1.5, "weight of the sigma=1 task should rise well above 1: " + last[0]);
      assertTrue(last[1] < 0.5, "weight of the sigma=100 task should fall: " + last[1]);
      netOptimizer.close();
      weightOptimizer.close();
      gradNorm.close();
      net.close();
    }
  }

  private static double[][] matrix(SplittableRandom r, double std) {
    double[][] m = new double[OUT][IN];
    for (double[] row : m) {
      for (int i = 0; i < IN; i++) {
        row[i] = std * Host.gaussian(r);
      }
    }
    return m;
  }

  private static Batch sample(
      ComputeBackend b, SplittableRandom r, int n, double[][][] maps, double[] sigma) {
    double scale = 1 / Math.sqrt(IN * 13.5);
    float[] x = new float[n * IN];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (scale * Host.gaussian(r));
    }
    Map<String, Tensor> targets = new java.util.LinkedHashMap<>();
    String[] names = {"small", "large"};
    for (int t = 0; t < 2; t++) {
      float[] y = new float[n * OUT];
      for (int s = 0; s < n; s++) {
        for (int o = 0; o < OUT; o++) {
          double z = 0;
          for (int i = 0; i < IN; i++) {
            z += maps[t][o][i] * x[s * IN + i];
          }
          y[s * OUT + o] = (float) (sigma[t] * Math.tanh(z));
        }
      }
      targets.put(names[t], b.fromHost(Shape.matrix(n, OUT), y));
    }
    return new Batch(b.fromHost(Shape.matrix(n, IN), x), targets, Map.of());
  }
}
