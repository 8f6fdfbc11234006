package org.mtl4j.integration.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.nn.WeightInit;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.GradientCheck;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.testing.TaskBatches;
import org.mtl4j.backend.cpu.CpuBackendProvider;

/**
 * Every sharing strategy on a convolutional spec (conv, batch norm, max pooling, flatten, linear
 * over a 2x7x6 image) on the CPU backend: the same seed gives the same initial weights as on the
 * reference backend, one training step gives the same loss, parameter gradients and batch-norm
 * statistics (max pooling), and the whole objective passes the float gradient check (average
 * pooling, whose gradient finite differences of float step 0.01 can follow).
 */
class ConvStrategiesOnCpuTest {
  private static final int ROWS = 6;
  private static final List<Task> TASKS =
      List.of(Task.of("digit", TaskType.MULTICLASS, 3), Task.of("size", TaskType.REGRESSION, 2));
  private static ComputeBackend cpu;
  private static ReferenceBackend ref;

  @BeforeAll
  static void open() {
    cpu = new CpuBackendProvider().create(BackendOptions.defaults());
    ref = new ReferenceBackend();
  }

  @AfterAll
  static void shut() {
    cpu.close();
    ref.close();
  }

  private static NetworkSpec spec(LayerSpec.PoolKind pool) {
    LayerSpec tanh = new LayerSpec.Act(Activation.TANH);
    FeatureShape image = new FeatureShape(2, 7, 6);
    return new NetworkSpec(
        image.size(),
        List.of(),
        List.of(4),
        Activation.TANH,
        0.0,
        false,
        WeightInit.DEFAULT,
        image,
        List.of(
            new LayerSpec.Conv(4, 3, 1, 1, 1, false),
            new LayerSpec.BatchNorm(),
            tanh,
            new LayerSpec.Pool(pool, 2),
            new LayerSpec.Conv(5, 2),
            tanh,
            new LayerSpec.Flat(),
            new LayerSpec.Dense(6),
            tanh),
        List.of());
  }

  private static MultiTaskNetwork build(String strategy, ComputeBackend b, NetworkSpec spec) {
    for (SharingStrategyProvider p : ServiceLoader.load(SharingStrategyProvider.class)) {
      if (p.name().equals(strategy)) {
        return p.create(Options.parse(Map.of(), p.options(), "model.options"))
            .build(spec, TASKS, b, 5L);
      }
    }
    throw new AssertionError("no strategy " + strategy);
  }

  private static GradientCheck.Objective objective(MultiTaskNetwork net, Batch batch) {
    return (g, leaves) -> {
      NetworkOutput out = net.forward(g, leaves.get(0), Mode.TRAIN);
      List<Var> terms = new ArrayList<>();
      for (Task t : net.tasks()) {
        terms.add(
            t.loss().apply(g, out.output(t.name()), batch.target(t.name()), batch.mask(t.name())));
      }
      Optional<Var> omega = net.penalty(g);
      omega.ifPresent(terms::add);
      return g.sumOf(terms);
    };
  }

  private static void assertClose(String what, float[] want, float[] got) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      double tol = 1e-4 + 1e-3 * Math.abs(want[i]);
      assertEquals(want[i], got[i], tol, what + " [" + i + "]");
    }
  }

  /** Host copies of each task's output, each parameter's gradient and each buffer, in order. */
  private static List<float[]> step(ComputeBackend b, MultiTaskNetwork net) {
    List<float[]> values = new ArrayList<>();
    try (TensorScope s = b.openScope()) {
      Batch batch = TaskBatches.random(b, TASKS, ROWS, 84, 7L, true);
      Graph g = new Graph(b, 3L);
      Var x = g.constant(batch.features());
      GradientCheck.Objective f = objective(net, batch);
      Var loss = f.loss(g, List.of(x));
      for (Parameter p : net.parameters()) {
        b.fill(p.grad(), 0f);
      }
      g.backward(loss);
      values.add(b.toHost(loss.value()));
      for (Parameter p : net.parameters()) {
        values.add(b.toHost(p.grad()));
      }
      for (Buffer buf : net.buffers()) {
        values.add(b.toHost(buf.value()));
      }
    }
    return values;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "hard",
        "cross-stitch",
        "soft",
        "mmoe",
        "ple",
        "cgc",
        "dselect-k",
        "learning-to-branch",
        "mtan"
      })
  void aTrainingStepMatchesTheReferenceAndPassesTheGradientCheck(String strategy) {
    NetworkSpec maxPool = spec(LayerSpec.PoolKind.MAX);
    try (MultiTaskNetwork onCpu = build(strategy, cpu, maxPool);
        MultiTaskNetwork onRef = build(strategy, ref, maxPool)) {
      List<Parameter> ps = onCpu.parameters();
      assertEquals(onRef.parameters().size(), ps.size());
      for (int i = 0; i < ps.size(); i++) {
        assertClose(
            "initial " + ps.get(i).name(),
            ref.toHost(onRef.parameters().get(i).value()),
            cpu.toHost(ps.get(i).value()));
      }
      List<float[]> want = step(ref, onRef);
      List<float[]> got = step(cpu, onCpu);
      List<String> names = new ArrayList<>();
      names.add("loss");
      ps.forEach(p -> names.add("gradient of " + p.name()));
      onCpu.buffers().forEach(b -> names.add("buffer " + b.name()));
      assertEquals(want.size(), got.size());
      assertTrue(onCpu.buffers().size() >= 2, "the trunk's batch norm has running statistics");
      for (int i = 0; i < want.size(); i++) {
        assertClose(strategy + ": " + names.get(i), want.get(i), got.get(i));
      }
    }
    // finite differences of step 0.01 in float move max pooling's argmax: average pooling here
    try (MultiTaskNetwork onCpu = build(strategy, cpu, spec(LayerSpec.PoolKind.AVG));
        TensorScope s = cpu.openScope()) {
      Batch batch = TaskBatches.random(cpu, TASKS, ROWS, 84, 9L, true);
      GradientCheck.Report r =
          GradientCheck.check(
              cpu, onCpu.parameters(), List.of(batch.features()), objective(onCpu, batch));
      assertTrue(r.elementsChecked() > onCpu.parameters().size());
    }
  }
}
