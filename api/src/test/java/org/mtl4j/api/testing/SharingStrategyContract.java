package org.mtl4j.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
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
import org.mtl4j.api.sharing.SharingStrategy;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * The conformance suite every {@link SharingStrategyProvider} passes: a plugin module extends it
 * and implements {@link #provider()}; the hooks {@link #options()}, {@link #spec()} and {@link
 * #taskSets()} adapt it to a strategy's needs.
 *
 * <p>It builds networks on {@code ReferenceBackend(DOUBLE)} for a multiclass + binary task set and
 * a three-task set with regression and multilabel tasks, and checks: output shapes; unique
 * parameter names; that {@code sharedParameters()} and each {@code taskParameters(t)} are disjoint
 * and together are {@code parameters()}; that a task's loss does not reach other tasks' parameters
 * (Ω aside) but does reach its own; seeded initialisation; deterministic EVAL forwards; a
 * finite-difference check of the whole objective {@code Σ_t L_t + Ω} with {@link GradientCheck};
 * the representation's row count; that {@code close()} frees every tensor; and that the defaults of
 * the declared options parse and build.
 */
public abstract class SharingStrategyContract {
  private static final int ROWS = 5;

  private ReferenceBackend backend;

  /** The provider under test. */
  protected abstract SharingStrategyProvider provider();

  /** The options the strategy is tested with (parsed against {@link #provider()}'s specs). */
  protected Map<String, Object> options() {
    return Map.of();
  }

  /**
   * The network spec of most checks: 5 inputs, two hidden layers (6, 4), one tower layer (3), tanh
   * (smooth, for the gradient check), no dropout and no layer normalisation.
   */
  protected NetworkSpec spec() {
    return new NetworkSpec(5, List.of(6, 4), List.of(3), Activation.TANH, 0.0, false);
  }

  /** The spec with dropout and layer normalisation, for the EVAL and TRAIN-mode checks. */
  protected NetworkSpec regularisedSpec() {
    NetworkSpec s = spec();
    return new NetworkSpec(s.inputSize(), s.hidden(), s.towerHidden(), s.activation(), 0.25, true);
  }

  /** The task sets every check runs on. */
  protected List<List<Task>> taskSets() {
    return List.of(
        List.of(Task.of("digit", TaskType.MULTICLASS, 3), Task.of("odd", TaskType.BINARY, 1)),
        List.of(
            Task.of("kind", TaskType.MULTICLASS, 4),
            Task.of("price", TaskType.REGRESSION, 2),
            Task.of("tags", TaskType.MULTILABEL, 3)));
  }

  /**
   * Whether the provider must be registered in {@code META-INF/services} (false only for test
   * fixtures that must not be discovered by other modules).
   */
  protected boolean expectServiceRegistration() {
    return true;
  }

  /** The strategy under test, configured with {@link #options()}. */
  protected final SharingStrategy strategy() {
    return provider().create(Options.parse(options(), provider().options(), "sharing.options"));
  }

  /** The double-precision reference backend the networks live on. */
  protected final ReferenceBackend backend() {
    return backend;
  }

  @BeforeEach
  final void createBackend() {
    backend = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
  }

  @AfterEach
  final void closeBackend() {
    backend.close();
  }

  private MultiTaskNetwork build(NetworkSpec spec, List<Task> tasks, long seed) {
    MultiTaskNetwork net = strategy().build(spec, tasks, backend, seed);
    assertNotNull(net, "build returned null");
    return net;
  }

  private static String describe(List<Task> tasks) {
    List<String> names = new ArrayList<>();
    for (Task t : tasks) {
      names.add(t.name() + ":" + t.type().configName() + "/" + t.outputSize());
    }
    return names.toString();
  }

  private static Set<Parameter> identitySet(List<Parameter> ps) {
    Set<Parameter> s = Collections.newSetFromMap(new IdentityHashMap<>());
    s.addAll(ps);
    return s;
  }

  // ================================================================================ structure

  @Test
  void outputsHaveOneRowPerSampleAndOneColumnPerOutput() {
    for (List<Task> tasks : taskSets()) {
      try (MultiTaskNetwork net = build(spec(), tasks, 1L);
          TensorScope s = backend.openScope()) {
        assertEquals(tasks, net.tasks(), "tasks() in build order");
        Batch batch = TaskBatches.random(backend, tasks, ROWS, spec().inputSize(), 2L, false);
        Graph g = new Graph(backend, 3L);
        NetworkOutput out = net.forward(g, g.constant(batch.features()), Mode.EVAL);
        assertEquals(tasks.size(), out.outputs().size(), "one output per task " + describe(tasks));
        for (Task t : tasks) {
          Var o = out.output(t.name());
          assertEquals(ROWS, o.shape().rows(), "rows of " + t.name() + " output");
          assertEquals(t.outputSize(), o.shape().cols(), "columns of " + t.name() + " output");
          for (float v : backend.toHost(o.value())) {
            assertTrue(Float.isFinite(v), t.name() + " output is not finite: " + v);
          }
        }
        if (out.representation() != null) {
          assertEquals(
              ROWS,
              out.representation().shape().rows(),
              "the representation has one row per sample");
        }
      }
    }
  }

  @Test
  void parameterNamesAreUnique() {
    for (List<Task> tasks : taskSets()) {
      try (MultiTaskNetwork net = build(spec(), tasks, 1L)) {
        Set<String> names = new HashSet<>();
        assertFalse(net.parameters().isEmpty(), "a network has parameters");
        for (Parameter p : net.parameters()) {
          assertTrue(
              names.add(p.name()),
              "parameter name '" + p.name() + "' appears twice in " + describe(tasks));
        }
      }
    }
  }

  @Test
  void sharedAndTaskParametersPartitionAllParameters() {
    for (List<Task> tasks : taskSets()) {
      try (MultiTaskNetwork net = build(spec(), tasks, 1L)) {
        List<Parameter> all = net.parameters();
        Set<Parameter> allSet = identitySet(all);
        assertEquals(all.size(), allSet.size(), "parameters() lists a parameter twice");
        Set<Parameter> seen = identitySet(net.sharedParameters());
        assertEquals(net.sharedParameters().size(), seen.size(), "sharedParameters() repeats one");
        for (Task t : tasks) {
          List<Parameter> own = net.taskParameters(t.name());
          for (Parameter p : own) {
            assertTrue(
                seen.add(p),
                p.name() + " of task " + t.name() + " is also shared or belongs to another task");
          }
        }
        assertEquals(
            allSet, seen, "shared + task parameters == parameters() for " + describe(tasks));
        net.lastSharedWeight()
            .ifPresent(
                w ->
                    assertTrue(
                        identitySet(net.sharedParameters()).contains(w),
                        "lastSharedWeight " + w.name() + " must be a shared parameter"));
      }
    }
  }

  @Test
  void aTaskLossReachesItsOwnParametersButNotOtherTasks() {
    for (List<Task> tasks : taskSets()) {
      try (MultiTaskNetwork net = build(spec(), tasks, 4L);
          TensorScope s = backend.openScope()) {
        Batch batch = TaskBatches.random(backend, tasks, ROWS, spec().inputSize(), 5L, false);
        Graph g = new Graph(backend, 6L);
        NetworkOutput out = net.forward(g, g.constant(batch.features()), Mode.TRAIN);
        for (Task t : tasks) {
          Var loss = t.loss().apply(g, out.output(t.name()), batch.target(t.name()), null);
          List<Var> own = new ArrayList<>();
          for (Parameter p : net.taskParameters(t.name())) {
            own.add(g.param(p));
          }
          List<Var> others = new ArrayList<>();
          for (Task u : tasks) {
            if (u != t) {
              for (Parameter p : net.taskParameters(u.name())) {
                others.add(g.param(p));
              }
            }
          }
          List<Var> wrt = new ArrayList<>(own);
          wrt.addAll(others);
          Map<Var, Tensor> grads = g.grad(loss, wrt);
          for (Var v : others) {
            for (double d : backend.doubles(grads.get(v))) {
              if (d != 0) {
                fail(
                    "the loss of task "
                        + t.name()
                        + " has gradient "
                        + d
                        + " on "
                        + v.parameter().name()
                        + ", a parameter of another task");
              }
            }
          }
          double ownNorm = 0;
          for (Var v : own) {
            ownNorm += backend.sumSquares(grads.get(v));
          }
          assertTrue(
              own.isEmpty() || ownNorm > 0,
              "the loss of task " + t.name() + " has zero gradient on its own parameters");
        }
      }
    }
  }

  // ================================================================================ seeds

  private static List<float[]> values(ReferenceBackend b, MultiTaskNetwork net) {
    List<float[]> v = new ArrayList<>();
    for (Parameter p : net.parameters()) {
      v.add(b.toHost(p.value()));
    }
    return v;
  }

  @Test
  void theSeedDeterminesTheInitialWeights() {
    List<Task> tasks = taskSets().get(taskSets().size() - 1);
    List<float[]> a;
    List<float[]> b;
    List<float[]> c;
    try (MultiTaskNetwork n1 = build(spec(), tasks, 11L);
        MultiTaskNetwork n2 = build(spec(), tasks, 11L);
        MultiTaskNetwork n3 = build(spec(), tasks, 12L)) {
      a = values(backend, n1);
      b = values(backend, n2);
      c = values(backend, n3);
      for (int i = 0; i < a.size(); i++) {
        Tolerance.assertSameBits(
            "seed 11 twice: " + n1.parameters().get(i).name(), a.get(i), b.get(i));
      }
    }
    boolean anyDiffers = false;
    for (int i = 0; i < a.size(); i++) {
      anyDiffers |= !java.util.Arrays.equals(a.get(i), c.get(i));
    }
    assertTrue(anyDiffers, "seeds 11 and 12 gave identical initial weights");
  }

  @Test
  void evalForwardIsDeterministicAndIgnoresTheGraphSeed() {
    for (List<Task> tasks : taskSets()) {
      try (MultiTaskNetwork net = build(regularisedSpec(), tasks, 21L);
          TensorScope s = backend.openScope()) {
        Batch batch = TaskBatches.random(backend, tasks, ROWS, spec().inputSize(), 22L, false);
        Map<String, float[]> first = new java.util.HashMap<>();
        for (long graphSeed : new long[] {1L, 1L, 2L}) {
          Graph g = new Graph(backend, graphSeed);
          NetworkOutput out = net.forward(g, g.constant(batch.features()), Mode.EVAL);
          for (Task t : tasks) {
            float[] v = backend.toHost(out.output(t.name()).value());
            float[] prev = first.putIfAbsent(t.name(), v);
            if (prev != null) {
              Tolerance.assertSameBits(
                  "EVAL output of " + t.name() + " (graph seed " + graphSeed + ")", prev, v);
            }
          }
        }
      }
    }
  }

  // ================================================================================ gradients

  /** The objective {@code Σ_t L_t + Ω} with label masks. */
  private GradientCheck.Objective objective(MultiTaskNetwork net, Batch batch, Mode mode) {
    return (g, leaves) -> {
      NetworkOutput out = net.forward(g, leaves.get(0), mode);
      List<Var> terms = new ArrayList<>();
      for (Task t : net.tasks()) {
        terms.add(
            t.loss().apply(g, out.output(t.name()), batch.target(t.name()), batch.mask(t.name())));
      }
      Optional<Var> omega = net.penalty(g);
      omega.ifPresent(
          o -> {
            assertEquals(Shape.scalar(), o.shape(), "the penalty is a [1, 1] var");
            terms.add(o);
          });
      return g.sumOf(terms);
    };
  }

  @Test
  void wholeNetworkGradientCheckIncludingPenalty() {
    for (List<Task> tasks : taskSets()) {
      try (MultiTaskNetwork net = build(spec(), tasks, 31L);
          TensorScope s = backend.openScope()) {
        Batch batch = TaskBatches.random(backend, tasks, ROWS, spec().inputSize(), 32L, true);
        GradientCheck.Report r =
            GradientCheck.check(
                backend,
                net.parameters(),
                List.of(batch.features()),
                objective(net, batch, Mode.TRAIN));
        assertTrue(r.elementsChecked() > net.parameters().size());
      }
    }
  }

  @Test
  void gradientCheckWithDropoutAndLayerNorm() {
    List<Task> tasks = taskSets().get(0);
    try (MultiTaskNetwork net = build(regularisedSpec(), tasks, 41L);
        TensorScope s = backend.openScope()) {
      Batch batch = TaskBatches.random(backend, tasks, ROWS, spec().inputSize(), 42L, true);
      GradientCheck.check(
          backend, net.parameters(), List.of(batch.features()), objective(net, batch, Mode.TRAIN));
    }
  }

  // ================================================================================ lifecycle

  @Test
  void closeFreesEveryTensor() {
    long base = backend.memoryStats().liveTensors();
    for (List<Task> tasks : taskSets()) {
      MultiTaskNetwork net = build(regularisedSpec(), tasks, 51L);
      long built = backend.memoryStats().liveTensors();
      assertTrue(
          built >= base + 2L * net.parameters().size(),
          "each parameter holds a value and a gradient");
      try (TensorScope s = backend.openScope()) {
        Batch batch = TaskBatches.random(backend, tasks, ROWS, spec().inputSize(), 52L, true);
        Graph g = new Graph(backend, 53L);
        g.backward(
            objective(net, batch, Mode.TRAIN).loss(g, List.of(g.constant(batch.features()))));
      }
      assertEquals(
          built,
          backend.memoryStats().liveTensors(),
          "a training step leaves no tensor behind outside its scope");
      net.close();
      assertEquals(
          base,
          backend.memoryStats().liveTensors(),
          "close() frees every tensor of the network for " + describe(tasks));
    }
  }

  // ================================================================================ provider

  @Test
  void providerDescribesItselfAndItsOptions() {
    SharingStrategyProvider p = provider();
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
    SharingStrategy s = p.create(defaults);
    assertNotNull(s, "create(defaults) returned null");
    try (MultiTaskNetwork net = s.build(spec(), taskSets().get(0), backend, 61L)) {
      assertFalse(net.parameters().isEmpty());
    }
  }

  @Test
  void providerIsRegisteredForServiceLoader() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        expectServiceRegistration(), "test fixture: not registered on purpose");
    List<String> found = new ArrayList<>();
    for (SharingStrategyProvider p : ServiceLoader.load(SharingStrategyProvider.class)) {
      if (p.getClass() == provider().getClass()) {
        assertEquals(provider().name(), p.name());
        return;
      }
      found.add(p.name() + " (" + p.getClass().getName() + ")");
    }
    fail(
        provider().getClass().getName()
            + " is not listed in META-INF/services/"
            + SharingStrategyProvider.class.getName()
            + "; found "
            + found);
  }
}
