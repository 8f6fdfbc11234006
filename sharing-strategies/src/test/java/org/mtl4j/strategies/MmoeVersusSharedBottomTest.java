package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.optim.Adam;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

/**
 * The behaviour Ma et al. (KDD 2018, section 3.2 and figure 4) report: on their synthetic data with
 * task correlation 0.5, MMoE reaches a lower loss than a shared-bottom (hard sharing) network. Both
 * get the same budget of steps; the mean test MSE over seeds is compared.
 */
class MmoeVersusSharedBottomTest {
  static final int D = 16;
  static final int TRAIN = 2048;
  static final int TEST = 1024;
  static final int BATCH = 64;
  static final int STEPS = Integer.getInteger("mtl4j.mmoe.steps", 1200);
  static final List<Long> SEEDS = List.of(1L, 2L, 3L);
  static final List<Task> TASKS =
      List.of(Task.of("y1", TaskType.REGRESSION, 1), Task.of("y2", TaskType.REGRESSION, 1));

  @Test
  void mmoeBeatsSharedBottomAtCorrelationHalf() {
    double hard = 0;
    double mmoe = 0;
    StringBuilder log = new StringBuilder();
    for (long seed : SEEDS) {
      MmoeSynthetic.Problem problem = MmoeSynthetic.Problem.of(D, 1.0, 0.5, 10, seed);
      MmoeSynthetic train = problem.sample(TRAIN, 1000 + seed);
      MmoeSynthetic test = problem.sample(TEST, 2000 + seed);
      double h =
          trainAndTest(
              "hard",
              Map.of(),
              new NetworkSpec(D, List.of(64), List.of(8), Activation.RELU, 0, false),
              train,
              test,
              seed);
      double m =
          trainAndTest(
              "mmoe",
              Map.of("experts", 4),
              new NetworkSpec(D, List.of(16), List.of(8), Activation.RELU, 0, false),
              train,
              test,
              seed);
      log.append(
          String.format(
              Locale.ROOT,
              "seed %d: label correlation %.3f, test MSE shared-bottom %.4f, MMoE %.4f%n",
              seed,
              test.labelCorrelation(),
              h,
              m));
      hard += h / SEEDS.size();
      mmoe += m / SEEDS.size();
    }
    log.append(
        String.format(Locale.ROOT, "mean over seeds: shared-bottom %.4f, MMoE %.4f%n", hard, mmoe));
    System.out.print(log);
    assertTrue(mmoe < hard, log.toString());
  }

  /** Trains with Adam on mini-batches, returns the mean of the two tasks' test MSE. */
  static double trainAndTest(
      String strategy,
      Map<String, ?> options,
      NetworkSpec spec,
      MmoeSynthetic train,
      MmoeSynthetic test,
      long seed) {
    ComputeBackend b = new ReferenceBackend();
    try (MultiTaskNetwork net = Fixtures.build(strategy, options, spec, TASKS, b, seed);
        Adam adam = new Adam(b, 3e-3, 0.9, 0.999, 1e-8, 0, false)) {
      int batches = TRAIN / BATCH;
      for (int step = 0; step < STEPS; step++) {
        int from = (step % batches) * BATCH;
        try (TensorScope s = b.openScope()) {
          Graph g = new Graph(b, step);
          Var loss = loss(g, net, train, from, BATCH);
          g.backward(loss);
        }
        adam.step(net.parameters());
        adam.zeroGrad(net.parameters());
      }
      try (TensorScope s = b.openScope()) {
        Graph g = new Graph(b, 0);
        return b.scalar(loss(g, net, test, 0, TEST).value()) / 2;
      }
    }
  }

  private static Var loss(Graph g, MultiTaskNetwork net, MmoeSynthetic data, int from, int n) {
    ComputeBackend b = g.backend();
    float[] x = new float[n * data.d()];
    System.arraycopy(data.x(), from * data.d(), x, 0, x.length);
    float[] y1 = new float[n];
    float[] y2 = new float[n];
    System.arraycopy(data.y1(), from, y1, 0, n);
    System.arraycopy(data.y2(), from, y2, 0, n);
    NetworkOutput out =
        net.forward(g, g.constant(b.fromHost(Shape.matrix(n, data.d()), x)), Mode.TRAIN);
    Var l1 = g.mse(out.output("y1"), b.fromHost(Shape.column(n), y1), null);
    Var l2 = g.mse(out.output("y2"), b.fromHost(Shape.column(n), y2), null);
    return g.add(l1, l2);
  }

  @Test
  void generatorFollowsThePaper() {
    MmoeSynthetic.Problem p = MmoeSynthetic.Problem.of(D, 1.0, 0.5, 10, 7);
    double n1 = 0;
    double n2 = 0;
    double dot = 0;
    for (int i = 0; i < D; i++) {
      n1 += p.w1()[i] * p.w1()[i];
      n2 += p.w2()[i] * p.w2()[i];
      dot += p.w1()[i] * p.w2()[i];
    }
    assertEquals(1.0, n1, 1e-12);
    assertEquals(1.0, n2, 1e-12);
    assertEquals(0.5, dot, 1e-12, "cosine of w1 and w2 is p");
    MmoeSynthetic same = MmoeSynthetic.Problem.of(D, 1.0, 1.0, 10, 7).sample(2000, 1);
    assertEquals(1.0, same.labelCorrelation(), 0.02, "p = 1 gives nearly identical labels");
    MmoeSynthetic orthogonal = MmoeSynthetic.Problem.of(D, 1.0, 0.0, 10, 7).sample(2000, 1);
    assertTrue(Math.abs(orthogonal.labelCorrelation()) < 0.2, "p = 0: uncorrelated labels");
  }
}
