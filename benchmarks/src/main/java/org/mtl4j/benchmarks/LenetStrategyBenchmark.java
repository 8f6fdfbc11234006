package org.mtl4j.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.LayerShape;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.LayerStack;
import org.mtl4j.api.nn.Sequential;
import org.mtl4j.api.nn.WeightInit;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.trainer.Mtl4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Forward and backward pass of the MultiFashion LeNet (Sener and Koltun 2018: 1x36x36, conv 5x5 ->
 * 10, relu, max pool 2, conv 5x5 -> 20, relu, max pool 2, flatten, linear 50, relu; one linear head
 * of 10 classes per task, two tasks) built by a sharing strategy, batch 256, on the {@code cpu}
 * backend: graph, forward, cross-entropy losses, backward, zeroed gradients. {@code bare} is the
 * same model assembled by hand from {@link LayerStack}s, so {@code hard - bare} is what the
 * strategy's glue costs per step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
public class LenetStrategyBenchmark {
  static final int BATCH = 256;

  @Param({"bare", "hard", "cross-stitch", "mtan", "mmoe"})
  public String strategy;

  @Param({"0"})
  public int threads;

  private ComputeBackend backend;
  private MultiTaskNetwork network;
  private Sequential trunk;
  private final List<Sequential> heads = new ArrayList<>();
  private final List<Task> tasks =
      List.of(Task.of("left", TaskType.MULTICLASS, 10), Task.of("right", TaskType.MULTICLASS, 10));
  private Tensor x;
  private Tensor y;

  static NetworkSpec lenet() {
    LayerSpec relu = new LayerSpec.Act(Activation.RELU);
    LayerSpec pool = new LayerSpec.Pool(LayerSpec.PoolKind.MAX, 2);
    FeatureShape image = new FeatureShape(1, 36, 36);
    return new NetworkSpec(
        image.size(),
        List.of(),
        List.of(),
        Activation.RELU,
        0.0,
        false,
        WeightInit.DEFAULT,
        image,
        List.of(
            new LayerSpec.Conv(10, 5),
            relu,
            pool,
            new LayerSpec.Conv(20, 5),
            relu,
            pool,
            new LayerSpec.Flat(),
            new LayerSpec.Dense(50),
            relu),
        List.of());
  }

  @Setup(Level.Trial)
  public void setUp() {
    backend =
        Backends.discover()
            .select("cpu")
            .provider()
            .create(BackendOptions.defaults().withThreads(threads));
    NetworkSpec spec = lenet();
    if (strategy.equals("bare")) {
      trunk =
          LayerStack.build(backend, "trunk", spec.trunk(), spec.inputShape(), spec.init(), 1, 1f);
      for (int t = 0; t < tasks.size(); t++) {
        heads.add(
            LayerStack.build(
                backend,
                "tower." + t,
                List.of(new LayerSpec.Dense(10)),
                LayerShape.flat(50),
                spec.init(),
                2 + t,
                1f));
      }
    } else {
      SharingStrategyProvider p = Mtl4j.plugins().strategies().get(strategy);
      network = p.create(Options.defaults(p.options())).build(spec, tasks, backend, 1);
    }
    x =
        backend.fromHost(
            Shape.matrix(BATCH, spec.inputSize()),
            GemmBenchmark.random(BATCH * spec.inputSize(), 1));
    float[] labels = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      labels[i] = i % 10;
    }
    y = backend.fromHost(Shape.column(BATCH), labels);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (network != null) {
      network.close();
    }
    if (trunk != null) {
      trunk.close();
      heads.forEach(Sequential::close);
    }
    backend.close();
  }

  @Benchmark
  public void step() {
    try (TensorScope s = backend.openScope()) {
      Graph g = new Graph(backend, 1);
      Var input = g.constant(x);
      List<Var> outputs = new ArrayList<>();
      List<Parameter> parameters;
      if (network != null) {
        NetworkOutput out = network.forward(g, input, org.mtl4j.api.nn.Mode.TRAIN);
        for (Task t : tasks) {
          outputs.add(out.output(t.name()));
        }
        parameters = network.parameters();
      } else {
        Var h = trunk.forward(g, input, org.mtl4j.api.nn.Mode.TRAIN);
        parameters = new ArrayList<>(trunk.parameters());
        for (Sequential head : heads) {
          outputs.add(head.forward(g, h, org.mtl4j.api.nn.Mode.TRAIN));
          parameters.addAll(head.parameters());
        }
      }
      List<Var> losses = new ArrayList<>();
      for (Var o : outputs) {
        losses.add(g.softmaxCrossEntropy(o, y, null));
      }
      g.backward(g.sumOf(losses));
      for (Parameter p : parameters) {
        backend.fill(p.grad(), 0f);
      }
    }
  }
}
