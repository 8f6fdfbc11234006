package org.mtl4j.benchmarks;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.optim.Optimizer;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingStep;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.BatchAssembler;
import org.mtl4j.trainer.data.Dataset;
import org.mtl4j.trainer.data.Datasets;
import org.mtl4j.trainer.inject.CatalogModule;
import org.mtl4j.trainer.inject.Mtl4jModule;
import org.mtl4j.trainer.training.NetworkFactory;
import org.mtl4j.trainer.training.OptimizerFactory;

/**
 * One hard-parameter-sharing model (Caruana 1997) on Fashion-MNIST, built from mtl4j's real pieces
 * (the trainer's config reader, data source and {@link BatchAssembler}, the {@code hard} strategy
 * and the configured weighting plugin) and trained one step at a time with the per-step sequence of
 * the trainer's {@code TrainingLoop}: scope, graph, forward, task losses, weighting backward,
 * optimiser step, zeroed gradients. Shared by {@link HpsHarness} and the JMH benchmarks.
 */
final class HpsSession implements AutoCloseable {
  /** What to build. {@code tasks} cycles through category, footwear and group labels. */
  record Spec(
      int batch,
      int threads,
      long seed,
      String hidden,
      String weighting,
      boolean repGrad,
      int tasks,
      String data,
      String backend) {
    Spec {
      if (batch < 1 || threads < 0 || tasks < 1) {
        throw new IllegalArgumentException(
            "batch and tasks must be >= 1 and threads >= 0, got "
                + batch
                + ", "
                + tasks
                + ", "
                + threads);
      }
    }

    static Spec reference() {
      return new Spec(
          256, 2, 42, "512,256", "equal", false, 2, "/usr/share/datasets/fashion-mnist", "cpu");
    }

    String yaml(int epochs) {
      StringBuilder t = new StringBuilder();
      String[] labels = {"category", "footwear", "group"};
      String[] types = {"multiclass", "binary", "multiclass"};
      for (int i = 0; i < tasks; i++) {
        String name = i < 2 ? labels[i] : labels[i % 3] + i;
        t.append("  - {name: ")
            .append(name)
            .append(", type: ")
            .append(types[i % 3])
            .append(", label: ")
            .append(labels[i % 3])
            .append(", metrics: [accuracy]}\n");
      }
      return "name: hps-bench\nbackend: "
          + backend
          + "\nseed: "
          + seed
          + "\n"
          + "data:\n  source: fashion-mnist\n  options: {dir: '"
          + data
          + "'}\n"
          + "tasks:\n"
          + t
          + "model:\n  strategy: hard\n  hidden: ["
          + hidden.replace('-', ',')
          + "]\n"
          + "  activation: relu\n"
          + "  dropout: 0.0\n"
          + "weighting:\n  method: "
          + weighting
          + "\n"
          + (repGrad ? "  options: {rep_grad: true}\n" : "")
          + "optimizer:\n  name: adam\n  lr: 1.0e-3\n"
          + "training:\n  epochs: "
          + Math.max(1, epochs)
          + "\n  batch_size: "
          + batch
          + "\n  validation_split: 0.0\noutput: /tmp/mtl4j-hps-bench\n";
    }
  }

  final Mtl4jConfig config;
  final Dataset data;
  final ComputeBackend backend;
  final MultiTaskNetwork net;
  final TaskWeighting weighting;
  final Optimizer optimizer;
  final List<Task> tasks;
  final List<Parameter> params;
  private final BatchAssembler assembler;
  private final double[] losses;
  private long step;

  /** Phases of a step that {@link #step} times when asked to ({@link #timePhases}). */
  static final String[] PHASES = {"gather", "forward", "backward", "optimizer", "zero_grad"};

  private long[] phaseNanos;

  HpsSession(Spec spec, int epochs) {
    config =
        Guice.createInjector(new CatalogModule())
            .getInstance(ConfigReader.class)
            .parse(spec.yaml(epochs), "HpsSession", "hps-bench");
    Injector inj = Guice.createInjector(new Mtl4jModule(config));
    data = inj.getInstance(Datasets.class).load(config.data(), config.tasks(), config.seed());
    NetworkFactory networks = inj.getInstance(NetworkFactory.class);
    backend =
        inj.getInstance(Backends.class)
            .select(spec.backend())
            .provider()
            .create(BackendOptions.defaults().withThreads(spec.threads()));
    net = networks.network(config, data.inputSize(), data.tasks(), backend);
    weighting = networks.weighting(config, data.tasks(), backend);
    optimizer = OptimizerFactory.create(config.optimizer(), backend);
    tasks = net.tasks();
    List<Parameter> all = new ArrayList<>(net.parameters());
    all.addAll(weighting.parameters());
    params = List.copyOf(all);
    assembler = new BatchAssembler(tasks);
    losses = new double[tasks.size()];
  }

  /**
   * One training step on rows {@code order[from .. from+count)} of the training split; returns the
   * sum of the task losses.
   */
  double step(int[] order, int from, int count, int epoch) {
    double sum = 0;
    long[] ph = phaseNanos;
    long t0 = ph == null ? 0 : System.nanoTime();
    long t1;
    long t2;
    try (TensorScope scope = backend.openScope()) {
      Batch b = assembler.assemble(backend, data.train(), order, from, count);
      t1 = ph == null ? 0 : System.nanoTime();
      Graph g = new Graph(backend, CounterRng.derive(config.seed(), 1_000_000L + step));
      NetworkOutput out = net.forward(g, g.constant(b.features()), Mode.TRAIN);
      List<Var> ls = new ArrayList<>(tasks.size());
      for (int t = 0; t < losses.length; t++) {
        Task task = tasks.get(t);
        Var l =
            task.loss()
                .apply(g, out.output(task.name()), b.target(task.name()), b.mask(task.name()));
        ls.add(l);
        losses[t] = backend.scalar(l.value());
        sum += losses[t];
      }
      WeightingStep ws = WeightingStep.of(net, g, ls, out.representation(), epoch, step);
      t2 = ph == null ? 0 : System.nanoTime();
      weighting.backward(ws);
    }
    long t3 = ph == null ? 0 : System.nanoTime();
    optimizer.step(params);
    weighting.afterOptimizerStep();
    long t4 = ph == null ? 0 : System.nanoTime();
    optimizer.zeroGrad(params);
    step++;
    if (ph != null) {
      ph[0] += t1 - t0;
      ph[1] += t2 - t1;
      ph[2] += t3 - t2;
      ph[3] += t4 - t3;
      ph[4] += System.nanoTime() - t4;
    }
    return sum;
  }

  /**
   * Starts (or restarts from zero) timing the phases of each step ({@link #PHASES}); the step
   * scope's close, which returns the step's buffers to the pool, counts as backward.
   */
  void timePhases() {
    phaseNanos = new long[PHASES.length];
  }

  /** Nanoseconds spent in each of {@link #PHASES} since {@link #timePhases}, or null. */
  long[] phaseNanos() {
    return phaseNanos == null ? null : phaseNanos.clone();
  }

  long steps() {
    return step;
  }

  @Override
  public void close() {
    optimizer.close();
    weighting.close();
    net.close();
    backend.close();
  }
}
