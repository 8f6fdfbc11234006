package org.mtl4j.benchmarks;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.util.List;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.optim.Optimizer;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.BatchAssembler;
import org.mtl4j.trainer.data.Dataset;
import org.mtl4j.trainer.data.Datasets;
import org.mtl4j.trainer.inject.CatalogModule;
import org.mtl4j.trainer.inject.Mtl4jModule;
import org.mtl4j.trainer.training.LearningRateSchedule;
import org.mtl4j.trainer.training.NetworkFactory;
import org.mtl4j.trainer.training.OptimizerFactory;
import org.mtl4j.trainer.training.TrainingStep;

/**
 * One hard-parameter-sharing model (Caruana 1997) on Fashion-MNIST, built from mtl4j's real pieces
 * (the trainer's config reader, data source and {@link BatchAssembler}, the {@code hard} strategy
 * and the configured weighting plugin) and trained one step at a time with the per-step sequence of
 * the trainer's {@link TrainingStep} (the step of every local and Spark run): scope, graph,
 * forward, task losses, weighting backward, clipping, the scheduled optimiser step, zeroed
 * gradients. Shared by {@link HpsHarness} and the JMH benchmarks.
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
  private final TrainingStep unit;
  private final long[] marks = new long[5];
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
    unit =
        new TrainingStep(
            backend,
            net,
            weighting,
            optimizer,
            LearningRateSchedule.forRun(config, data.train().size()),
            config.optimizer().clipNorm(),
            config.seed());
    params = unit.parameters();
    assembler = new BatchAssembler(tasks);
  }

  /**
   * One training step on rows {@code order[from .. from+count)} of the training split, the {@link
   * TrainingStep} a user's run executes (clipping and the learning-rate schedule included); returns
   * the sum of the task losses.
   */
  double step(int[] order, int from, int count, int epoch) {
    long[] ph = phaseNanos;
    long[] gathered = new long[1];
    TrainingStep.Result r =
        unit.run(
            epoch,
            step,
            g -> {
              Batch b = assembler.assemble(backend, data.train(), order, from, count);
              if (ph != null) {
                gathered[0] = System.nanoTime();
              }
              return unit.forward(g, b);
            },
            TrainingStep.LossCheck.NONE);
    step++;
    if (ph != null) {
      ph[0] += gathered[0] - marks[0];
      ph[1] += marks[1] - gathered[0];
      ph[2] += marks[2] - marks[1];
      ph[3] += marks[3] - marks[2];
      ph[4] += marks[4] - marks[3];
    }
    double sum = 0;
    for (double l : r.losses()) {
      sum += l;
    }
    return sum;
  }

  /**
   * Starts (or restarts from zero) timing the phases of each step ({@link #PHASES}); the step
   * scope's close, which returns the step's buffers to the pool, counts as backward.
   */
  void timePhases() {
    phaseNanos = new long[PHASES.length];
    unit.recordPhases(marks);
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
