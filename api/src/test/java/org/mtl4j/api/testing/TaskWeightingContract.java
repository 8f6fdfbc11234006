package org.mtl4j.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * The conformance suite every {@link TaskWeightingProvider} passes: a plugin module extends it and
 * implements {@link #provider()}; {@link #options()} and {@link #representationOptions()} choose
 * the configurations tested.
 *
 * <p>It drives the method with a {@link FixtureNetwork} (shared trunk, one head per task, penalty
 * Ω) for two and three tasks on the float32 {@link ReferenceBackend}, and checks that {@link
 * TaskWeighting#backward}: leaves finite gradients in every shared and task parameter (non-zero
 * where a loss reaches them) and in the method's own parameters; returns one weight per task;
 * changes no parameter value; is deterministic for a fixed seed; continues identically after {@link
 * TaskWeighting#state()} / {@link TaskWeighting#restore}; and, when all tasks are one and the same,
 * gives a shared gradient parallel to the gradient of the plain sum of the losses (cosine above
 * 0.99). Gradient-level methods are also run with representation gradients when {@link
 * #representationOptions()} names a configuration for them. Closing the method frees its tensors.
 */
public abstract class TaskWeightingContract {
  private static final int ROWS = 8;
  private static final int INPUT = 4;

  private ReferenceBackend backend;

  /** The provider under test. */
  protected abstract TaskWeightingProvider provider();

  /** The options of the main configuration (parsed against the provider's specs). */
  protected Map<String, Object> options() {
    return Map.of();
  }

  /**
   * A configuration that balances gradients of the shared representation, or null when the method
   * has none. By default: {@link #options()} plus {@code rep_grad: true} when the provider declares
   * a boolean {@code rep_grad} option (LibMTL's name).
   */
  protected Map<String, Object> representationOptions() {
    for (OptionSpec o : provider().options()) {
      if (o.name().equals("rep_grad") && o.type() == OptionSpec.Type.BOOLEAN) {
        Map<String, Object> m = new LinkedHashMap<>(options());
        m.put("rep_grad", true);
        return m;
      }
    }
    return null;
  }

  /** Whether the provider must be registered in {@code META-INF/services}. */
  protected boolean expectServiceRegistration() {
    return true;
  }

  /** The task sets: two tasks (classification + regression) and three (adding a binary task). */
  protected List<List<Task>> taskSets() {
    return List.of(
        List.of(Task.of("digit", TaskType.MULTICLASS, 3), Task.of("price", TaskType.REGRESSION, 1)),
        List.of(
            Task.of("digit", TaskType.MULTICLASS, 3),
            Task.of("odd", TaskType.BINARY, 1),
            Task.of("price", TaskType.REGRESSION, 2)));
  }

  /** The configurations every check runs: the main one and, if any, the representation one. */
  protected final List<Map<String, Object>> configurations() {
    List<Map<String, Object>> c = new ArrayList<>();
    c.add(options());
    Map<String, Object> rep = representationOptions();
    if (rep != null && !rep.equals(options())) {
      c.add(rep);
    }
    return c;
  }

  protected final ReferenceBackend backend() {
    return backend;
  }

  @BeforeEach
  final void createBackend() {
    backend = new ReferenceBackend(ReferenceBackend.Precision.FLOAT);
  }

  @AfterEach
  final void closeBackend() {
    backend.close();
  }

  /** A method for the tasks, configured by {@code opts}, with the given seed. */
  protected final TaskWeighting create(Map<String, Object> opts, List<Task> tasks, long seed) {
    TaskWeighting w =
        provider()
            .create(
                Options.parse(opts, provider().options(), "weighting.options"),
                new WeightingContext(tasks, backend, seed));
    assertNotNull(w, "create returned null");
    return w;
  }

  private FixtureNetwork network(
      List<Task> tasks, long seed, boolean identicalHeads, double penalty) {
    return new FixtureNetwork(
        backend,
        new NetworkSpec(INPUT, List.of(5), List.of(), Activation.TANH, 0, false),
        tasks,
        seed,
        identicalHeads,
        penalty);
  }

  /** Records a forward pass and the losses of one step on {@code g}. */
  protected static WeightingStep step(
      MultiTaskNetwork net, Graph g, Batch batch, int epoch, long index) {
    NetworkOutput out = net.forward(g, g.constant(batch.features()), Mode.TRAIN);
    List<Var> losses = new ArrayList<>();
    for (Task t : net.tasks()) {
      losses.add(
          t.loss().apply(g, out.output(t.name()), batch.target(t.name()), batch.mask(t.name())));
    }
    List<Parameter> taskParams = new ArrayList<>();
    for (Task t : net.tasks()) {
      taskParams.addAll(net.taskParameters(t.name()));
    }
    return new WeightingStep(
        g,
        net.tasks(),
        losses,
        net.penalty(g).orElse(null),
        net.sharedParameters(),
        taskParams,
        out.representation(),
        net.lastSharedWeight().orElse(null),
        epoch,
        index);
  }

  private record Result(double[] weights, List<float[]> grads) {}

  private static List<Parameter> allParameters(MultiTaskNetwork net, TaskWeighting w) {
    List<Parameter> all = new ArrayList<>(net.parameters());
    all.addAll(w.parameters());
    return all;
  }

  private Result run(TaskWeighting w, MultiTaskNetwork net, Batch batch, int epoch, long index) {
    List<Parameter> all = allParameters(net, w);
    for (Parameter p : all) {
      backend.fill(p.grad(), 0f);
    }
    double[] weights;
    try (TensorScope s = backend.openScope()) {
      Graph g = new Graph(backend, 1000 + index);
      weights = w.backward(step(net, g, batch, epoch, index));
    }
    assertNotNull(weights, "backward returned no weights");
    List<float[]> grads = new ArrayList<>();
    for (Parameter p : all) {
      grads.add(backend.toHost(p.grad()));
    }
    return new Result(weights.clone(), grads);
  }

  private String where(Map<String, Object> opts, List<Task> tasks) {
    return provider().name() + " " + opts + " with " + tasks.size() + " tasks";
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  // ================================================================================ one step

  @Test
  void backwardFillsFiniteGradientsAndChangesNoParameter() {
    for (Map<String, Object> opts : configurations()) {
      for (List<Task> tasks : taskSets()) {
        String where = where(opts, tasks);
        try (FixtureNetwork net = network(tasks, 1L, false, 0.01);
            TaskWeighting w = create(opts, tasks, 2L);
            TensorScope outer = backend.openScope()) {
          Batch batch = TaskBatches.random(backend, tasks, ROWS, INPUT, 3L, true);
          List<Parameter> all = allParameters(net, w);
          List<float[]> before = new ArrayList<>();
          for (Parameter p : all) {
            before.add(backend.toHost(p.value()));
          }
          Result r = run(w, net, batch, 0, 0);
          assertEquals(tasks.size(), r.weights().length, where + ": one weight per task");
          for (double x : r.weights()) {
            assertFalse(Double.isInfinite(x), where + ": infinite task weight");
            if (w.gradientSource() == GradientSource.NONE) {
              assertTrue(Double.isFinite(x), where + ": a loss-level weight is NaN");
            }
          }
          for (int i = 0; i < all.size(); i++) {
            Parameter p = all.get(i);
            for (float g : r.grads().get(i)) {
              assertTrue(Float.isFinite(g), where + ": gradient of " + p.name() + " is " + g);
            }
            Tolerance.assertSameBits(
                where + ": backward changed the value of " + p.name(),
                before.get(i),
                backend.toHost(p.value()));
          }
          // every parameter of the fixture is reached by some loss (not only by Ω)
          for (Parameter p : net.parameters()) {
            assertTrue(
                norm(r.grads().get(all.indexOf(p))) > 0,
                where + ": no gradient reached " + p.name());
          }
        }
      }
    }
  }

  // ================================================================================ determinism

  private List<Batch> batches(List<Task> tasks, int count) {
    List<Batch> b = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      b.add(TaskBatches.random(backend, tasks, ROWS, INPUT, 100L + i, i % 2 == 1));
    }
    return b;
  }

  private static void assertSameResult(String what, Result a, Result b) {
    assertEquals(a.weights().length, b.weights().length, what + ": weight count");
    for (int i = 0; i < a.weights().length; i++) {
      assertEquals(
          Double.doubleToLongBits(a.weights()[i]),
          Double.doubleToLongBits(b.weights()[i]),
          what + ": weight " + i + " " + a.weights()[i] + " vs " + b.weights()[i]);
    }
    for (int i = 0; i < a.grads().size(); i++) {
      Tolerance.assertSameBits(what + ": gradient " + i, a.grads().get(i), b.grads().get(i));
    }
  }

  @Test
  void deterministicForAFixedSeed() {
    for (Map<String, Object> opts : configurations()) {
      for (List<Task> tasks : taskSets()) {
        String where = where(opts, tasks);
        try (FixtureNetwork net = network(tasks, 11L, false, 0.01);
            TaskWeighting a = create(opts, tasks, 12L);
            TaskWeighting b = create(opts, tasks, 12L);
            TensorScope outer = backend.openScope()) {
          List<Batch> data = batches(tasks, 3);
          for (int s = 0; s < data.size(); s++) {
            Result ra = run(a, net, data.get(s), s / 2, s);
            Result rb = run(b, net, data.get(s), s / 2, s);
            assertSameResult(where + " step " + s, ra, rb);
            if (s == 1) {
              double[] epochLosses = {0.9, 1.3, 0.4};
              a.endEpoch(0, java.util.Arrays.copyOf(epochLosses, tasks.size()));
              b.endEpoch(0, java.util.Arrays.copyOf(epochLosses, tasks.size()));
            }
          }
        }
      }
    }
  }

  @Test
  void stateAndRestoreContinueIdentically() {
    for (Map<String, Object> opts : configurations()) {
      for (List<Task> tasks : taskSets()) {
        String where = where(opts, tasks);
        try (FixtureNetwork net = network(tasks, 21L, false, 0.01);
            TaskWeighting a = create(opts, tasks, 22L);
            TaskWeighting b = create(opts, tasks, 22L);
            TensorScope outer = backend.openScope()) {
          List<Batch> data = batches(tasks, 3);
          run(a, net, data.get(0), 0, 0);
          a.endEpoch(0, java.util.Arrays.copyOf(new double[] {1.0, 2.0, 0.5}, tasks.size()));
          run(a, net, data.get(1), 1, 1);
          a.endEpoch(1, java.util.Arrays.copyOf(new double[] {0.8, 1.9, 0.2}, tasks.size()));
          Map<String, double[]> state = a.state();
          assertNotNull(state, where + ": state() returned null");
          Map<String, double[]> snapshot = new HashMap<>();
          state.forEach((k, v) -> snapshot.put(k, v.clone()));
          assertEquals(a.parameters().size(), b.parameters().size());
          for (int i = 0; i < a.parameters().size(); i++) {
            backend.copy(a.parameters().get(i).value(), b.parameters().get(i).value());
          }
          b.restore(state);
          Result ra = run(a, net, data.get(2), 2, 2);
          Result rb = run(b, net, data.get(2), 2, 2);
          assertSameResult(where + ": the restored copy's next step", ra, rb);
          for (Map.Entry<String, double[]> e : snapshot.entrySet()) {
            assertTrue(
                java.util.Arrays.equals(e.getValue(), state.get(e.getKey())),
                where + ": state() must return a copy; entry " + e.getKey() + " changed later");
          }
        }
      }
    }
  }

  // ================================================================================ geometry

  @Test
  void identicalTasksGiveAGradientParallelToTheSum() {
    for (Map<String, Object> opts : configurations()) {
      for (int count : new int[] {2, 3}) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          tasks.add(Task.of("same" + i, TaskType.REGRESSION, 2));
        }
        String where = where(opts, tasks) + " (identical tasks)";
        try (FixtureNetwork net = network(tasks, 31L, true, 0);
            TaskWeighting w = create(opts, tasks, 32L);
            TensorScope outer = backend.openScope()) {
          Batch random = TaskBatches.random(backend, tasks, ROWS, INPUT, 33L, false);
          Tensor y = random.target(tasks.get(0).name());
          Map<String, Tensor> targets = new HashMap<>();
          for (Task t : tasks) {
            targets.put(t.name(), y);
          }
          Batch batch = new Batch(random.features(), targets, Map.of());
          List<float[]> expected = new ArrayList<>();
          try (TensorScope s = backend.openScope()) {
            Graph g = new Graph(backend, 5L);
            WeightingStep st = step(net, g, batch, 0, 0);
            double[] lv = st.lossValues();
            for (double l : lv) {
              assertEquals(lv[0], l, 0.0, where + ": fixture losses are equal");
            }
            List<Var> wrt = new ArrayList<>();
            for (Parameter p : net.sharedParameters()) {
              wrt.add(g.param(p));
            }
            Map<Var, Tensor> sum = g.grad(g.sumOf(st.losses()), wrt);
            for (Var v : wrt) {
              expected.add(backend.toHost(sum.get(v)));
            }
          }
          Result r = run(w, net, batch, 0, 0);
          double dot = 0;
          double na = 0;
          double nb = 0;
          for (int i = 0; i < expected.size(); i++) {
            float[] e = expected.get(i);
            float[] a = r.grads().get(i);
            for (int j = 0; j < e.length; j++) {
              dot += (double) e[j] * a[j];
              na += (double) a[j] * a[j];
              nb += (double) e[j] * e[j];
            }
          }
          assertTrue(na > 0, where + ": zero shared gradient");
          double cos = dot / Math.sqrt(na * nb);
          assertTrue(cos > 0.99, where + ": cosine to the summed gradient is " + cos);
        }
      }
    }
  }

  @Test
  void representationGradientsAreFinite() {
    Map<String, Object> rep = representationOptions();
    Assumptions.assumeTrue(rep != null, "the method has no representation-gradient option");
    for (List<Task> tasks : taskSets()) {
      try (FixtureNetwork net = network(tasks, 41L, false, 0.01);
          TaskWeighting w = create(rep, tasks, 42L);
          TensorScope outer = backend.openScope()) {
        assertEquals(
            GradientSource.REPRESENTATION,
            w.gradientSource(),
            provider().name() + " " + rep + " must balance representation gradients");
        Batch batch = TaskBatches.random(backend, tasks, ROWS, INPUT, 43L, true);
        Result r = run(w, net, batch, 0, 0);
        double shared = 0;
        for (int i = 0; i < r.grads().size(); i++) {
          for (float g : r.grads().get(i)) {
            assertTrue(Float.isFinite(g), "representation gradient variant: non-finite gradient");
          }
          if (i < net.sharedParameters().size()) {
            shared += norm(r.grads().get(i));
          }
        }
        assertTrue(shared > 0, "the combined representation gradient reaches the trunk");
      }
    }
  }

  // ================================================================================ lifecycle

  @Test
  void closeFreesTheMethodsTensors() {
    for (Map<String, Object> opts : configurations()) {
      for (List<Task> tasks : taskSets()) {
        try (FixtureNetwork net = network(tasks, 51L, false, 0.01)) {
          long base = backend.memoryStats().liveTensors();
          TaskWeighting w = create(opts, tasks, 52L);
          try (TensorScope outer = backend.openScope()) {
            List<Batch> data = batches(tasks, 2);
            run(w, net, data.get(0), 0, 0);
            run(w, net, data.get(1), 0, 1);
          }
          w.close();
          assertEquals(
              base,
              backend.memoryStats().liveTensors(),
              where(opts, tasks) + ": tensors left after close()");
        }
      }
    }
  }

  // ================================================================================ provider

  @Test
  void providerDescribesItselfAndItsOptions() {
    TaskWeightingProvider p = provider();
    assertTrue(
        p.name().matches("[a-z0-9][a-z0-9-]*"),
        "provider name '" + p.name() + "' must be lower-case letters, digits and '-'");
    assertFalse(p.description().isBlank(), "a provider has a description");
    Set<String> names = new HashSet<>();
    for (OptionSpec o : p.options()) {
      assertTrue(names.add(o.name()), "option '" + o.name() + "' is declared twice");
      assertFalse(o.description().isBlank(), "option '" + o.name() + "' has no description");
    }
    Options defaults = Options.defaults(p.options());
    assertEquals(names, defaults.asMap().keySet(), "every option has a default");
    for (List<Task> tasks : taskSets()) {
      try (TaskWeighting w = p.create(defaults, new WeightingContext(tasks, backend, 1L))) {
        assertNotNull(w.gradientSource());
      }
    }
  }

  @Test
  void statedCompatibilityMatchesWhatTheMethodDoes() {
    TaskWeightingProvider p = provider();
    WeightingCompatibility c = p.compatibility();
    assertNotNull(c, "compatibility() returned null");
    if (c.representationGradients()) {
      assertNotNull(
          representationOptions(),
          p.name()
              + " states representation-gradient support but declares no boolean rep_grad"
              + " option to select it");
    }
    for (Map<String, Object> opts : configurations()) {
      for (List<Task> tasks : taskSets()) {
        try (TaskWeighting w = create(opts, tasks, 1L)) {
          if (!c.perTaskGradients()) {
            assertEquals(
                GradientSource.NONE,
                w.gradientSource(),
                where(opts, tasks) + ": states no per-task gradients but differentiates per task");
          }
          if (w.gradientSource() != GradientSource.NONE) {
            assertTrue(
                c.perTaskGradients(),
                where(opts, tasks) + ": differentiates per task but states it does not");
          }
        }
      }
    }
  }

  @Test
  void providerIsRegisteredForServiceLoader() {
    Assumptions.assumeTrue(expectServiceRegistration(), "test fixture: not registered on purpose");
    List<String> found = new ArrayList<>();
    for (TaskWeightingProvider p : ServiceLoader.load(TaskWeightingProvider.class)) {
      if (p.getClass() == provider().getClass()) {
        assertEquals(provider().name(), p.name());
        return;
      }
      found.add(p.name());
    }
    fail(
        provider().getClass().getName()
            + " is not listed in META-INF/services/"
            + TaskWeightingProvider.class.getName()
            + "; found "
            + found);
  }
}
