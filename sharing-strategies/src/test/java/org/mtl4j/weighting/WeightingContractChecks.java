package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.optim.Sgd;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingContext;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * Exact checks that complement the api test-jar's {@code TaskWeightingContract}: discovery by name,
 * the gradient left in every parameter equals {@code Σ_t β_t ∇L_t + ∇Ω} for the weights β the
 * method reports (task-specific parameters: {@code β_t ∇L_t} for loss-level methods, {@code ∇L_t}
 * for gradient-level ones), determinism, checkpoint round trip, and clear errors.
 */
abstract class WeightingContractChecks {
  static final long SEED = 42;
  ComputeBackend backend;
  TinyNetwork net;
  Batch batch;
  List<Task> tasks;

  abstract TaskWeightingProvider provider();

  abstract String expectedName();

  /** Options given to the provider. */
  Map<String, Object> options() {
    return Map.of();
  }

  /** True when task-specific parameters get {@code β_t ∇L_t}; false when they get {@code ∇L_t}. */
  abstract boolean weightsTaskParameters();

  @BeforeEach
  void setUp() {
    backend = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
    tasks = Host.mixedTasks();
    net = new TinyNetwork(backend, 5, List.of(6, 4), Activation.TANH, tasks, 0.01, 7);
    batch = Host.randomBatch(backend, tasks, 16, 5, 11);
  }

  @AfterEach
  void tearDown() {
    backend.close();
  }

  TaskWeighting create() {
    TaskWeightingProvider p = provider();
    return p.create(
        Options.parse(options(), p.options(), "weighting.options"),
        new WeightingContext(tasks, backend, SEED));
  }

  List<Parameter> trainable(TaskWeighting w) {
    List<Parameter> all = new ArrayList<>(net.parameters());
    all.addAll(w.parameters());
    return all;
  }

  @Test
  void isFoundByNameThroughServiceLoader() {
    TaskWeightingProvider found = null;
    for (TaskWeightingProvider p : ServiceLoader.load(TaskWeightingProvider.class)) {
      if (p.name().equals(expectedName())) {
        assertEquals(null, found, "two providers named " + expectedName());
        found = p;
      }
    }
    assertNotNull(found, "no provider named " + expectedName());
    assertSame(provider().getClass(), found.getClass());
    assertTrue(found.description().length() > 10, "description: " + found.description());
    Options.defaults(found.options());
  }

  @Test
  void gradientIsTheReportedCombinationOfTaskGradientsPlusPenalty() {
    try (TaskWeighting w = create()) {
      Sgd sgd = new Sgd(backend, 0.05, 0, 0, false);
      for (int s = 0; s < 4; s++) {
        sgd.zeroGrad(trainable(w));
        double[] beta;
        try (TrainingStep ts = new TrainingStep(backend, net, batch, s, s, true)) {
          double[] losses = ts.step.lossValues();
          beta = w.backward(ts.step);
          assertEquals(tasks.size(), beta.length, "one weight per task");
          for (double b : beta) {
            assertTrue(Double.isFinite(b), "weights " + java.util.Arrays.toString(beta));
          }
          for (Parameter p : net.sharedParameters()) {
            double[] expected = ts.penaltyGradient(p);
            for (int t = 0; t < tasks.size(); t++) {
              double[] gt = ts.taskGradient(t, p);
              for (int i = 0; i < gt.length; i++) {
                expected[i] += beta[t] * gt[i];
              }
            }
            Host.assertClose(expected, Host.grad(backend, p), 1e-5, "step " + s + " " + p.name());
          }
          for (int t = 0; t < tasks.size(); t++) {
            for (Parameter p : net.taskParameters(tasks.get(t).name())) {
              double[] expected = ts.penaltyGradient(p);
              double[] gt = ts.taskGradient(t, p);
              double f = weightsTaskParameters() ? beta[t] : 1.0;
              for (int i = 0; i < gt.length; i++) {
                expected[i] += f * gt[i];
              }
              Host.assertClose(expected, Host.grad(backend, p), 1e-5, "step " + s + " " + p.name());
            }
          }
          sgd.step(trainable(w));
          w.afterOptimizerStep();
          w.endEpoch(s, losses);
        }
      }
      sgd.close();
    }
  }

  /** Runs three steps (one epoch each) and returns the weights and a parameter gradient. */
  List<double[]> run(TaskWeighting w, int from, int to) {
    List<double[]> out = new ArrayList<>();
    Sgd sgd = new Sgd(backend, 0.05, 0, 0, false);
    for (int s = from; s < to; s++) {
      sgd.zeroGrad(trainable(w));
      try (TrainingStep ts = new TrainingStep(backend, net, batch, s, s, true)) {
        double[] losses = ts.step.lossValues();
        out.add(w.backward(ts.step));
        out.add(Host.grad(backend, net.sharedParameters().get(0)));
        w.afterOptimizerStep();
        w.endEpoch(s, losses);
      }
    }
    sgd.close();
    return out;
  }

  @Test
  void sameSeedSameUpdates() {
    List<double[]> a;
    List<double[]> b;
    try (TaskWeighting w = create()) {
      a = run(w, 0, 4);
    }
    try (TaskWeighting w = create()) {
      b = run(w, 0, 4);
    }
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i), b.get(i), "result " + i);
    }
  }

  @Test
  void restoredStateContinuesIdentically() {
    try (TaskWeighting first = create();
        TaskWeighting second = create()) {
      run(first, 0, 3);
      Map<String, double[]> state = first.state();
      second.restore(state);
      for (int i = 0; i < first.parameters().size(); i++) {
        backend.copy(first.parameters().get(i).value(), second.parameters().get(i).value());
      }
      List<double[]> a = run(first, 3, 5);
      List<double[]> b = run(second, 3, 5);
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i), b.get(i), 1e-12, "result " + i + " after restore");
      }
    }
  }

  @Test
  void rejectsAStepWithAnotherNumberOfTasks() {
    try (TaskWeighting w = create();
        TrainingStep ts = new TrainingStep(backend, net, batch, 0, 0, true)) {
      WeightingStep full = ts.step;
      WeightingStep two =
          new WeightingStep(
              full.graph(),
              full.tasks().subList(0, 2),
              full.losses().subList(0, 2),
              full.penalty(),
              full.sharedParameters(),
              full.taskParameters(),
              full.representation(),
              full.lastSharedWeight(),
              0,
              0);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> w.backward(two));
      assertTrue(
          e.getMessage().contains("3 tasks") && e.getMessage().contains("2 losses"),
          e.getMessage());
    }
  }

  @Test
  void closeReleasesItsParameters() {
    TaskWeighting w = create();
    List<Parameter> ps = w.parameters();
    w.close();
    for (Parameter p : ps) {
      assertTrue(p.value().isClosed() && p.grad().isClosed(), p.name());
    }
  }
}
