package org.mtl4j.benchmarks;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.backend.MemoryStats;
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
import org.mtl4j.trainer.data.Permutations;
import org.mtl4j.trainer.data.Split;
import org.mtl4j.trainer.inject.CatalogModule;
import org.mtl4j.trainer.inject.Mtl4jModule;
import org.mtl4j.trainer.metrics.TaskScores;
import org.mtl4j.trainer.training.Evaluator;
import org.mtl4j.trainer.training.NetworkFactory;
import org.mtl4j.trainer.training.OptimizerFactory;

/**
 * End-to-end throughput harness for the reference hard-parameter-sharing model of
 * {@code ../shared/bench/README.md} (Caruana 1997, "Multitask Learning"): a 784-512-256 ReLU
 * trunk shared by a 10-class category head and a binary footwear head on Fashion-MNIST, equal
 * weighting, Adam 1e-3, batch 256, 5 epochs. It uses mtl4j's real pieces: the trainer's config
 * reader, Fashion-MNIST source, {@link BatchAssembler} and {@link Permutations}, the {@code hard}
 * strategy and {@code equal} weighting found as plugins, and the per-step sequence of the
 * trainer's {@code TrainingLoop} (scope, graph, forward, task losses, weighting backward,
 * optimiser step, zeroed gradients), without its validation and checkpoints, which PyTorch's
 * reference script does not do either.
 *
 * <p>Prints {@code key=value} lines like {@code torch_hps.py}: samples/s (median of epochs 2..N,
 * shuffle and batch assembly included), test accuracy of both tasks, peak RSS and the backend's
 * native allocations per steady-state step.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar org.mtl4j.benchmarks.HpsHarness
 * [--epochs 5] [--batch 256] [--threads 2] [--seed 42] [--hidden 512,256] [--weighting equal]
 * [--data /usr/share/datasets/fashion-mnist]}.
 */
public final class HpsHarness {
  private HpsHarness() {}

  /** Parsed command line. */
  record Args(int epochs, int batch, int threads, long seed, String hidden, String weighting,
      String data, String backend) {
    static Args parse(String[] a) {
      int epochs = 5;
      int batch = 256;
      int threads = 2;
      long seed = 42;
      String hidden = "512,256";
      String weighting = "equal";
      String data = "/usr/share/datasets/fashion-mnist";
      String backend = "cpu";
      for (int i = 0; i < a.length; i++) {
        String k = a[i];
        if (i + 1 >= a.length) {
          throw new IllegalArgumentException("option " + k + " needs a value");
        }
        String v = a[++i];
        switch (k) {
          case "--epochs" -> epochs = Integer.parseInt(v);
          case "--batch" -> batch = Integer.parseInt(v);
          case "--threads" -> threads = Integer.parseInt(v);
          case "--seed" -> seed = Long.parseLong(v);
          case "--hidden" -> hidden = v;
          case "--weighting" -> weighting = v;
          case "--data" -> data = v;
          case "--backend" -> backend = v;
          default -> throw new IllegalArgumentException("unknown option " + k
              + "; expected --epochs, --batch, --threads, --seed, --hidden, --weighting, --data"
              + " or --backend");
        }
      }
      if (epochs < 1 || batch < 1 || threads < 0) {
        throw new IllegalArgumentException("epochs and batch must be >= 1 and threads >= 0, got "
            + epochs + ", " + batch + ", " + threads);
      }
      return new Args(epochs, batch, threads, seed, hidden, weighting, data, backend);
    }
  }

  static String yaml(Args a) {
    return String.join("\n",
        "name: hps-bench",
        "backend: " + a.backend(),
        "seed: " + a.seed(),
        "data:",
        "  source: fashion-mnist",
        "  options: {dir: '" + a.data() + "'}",
        "tasks:",
        "  - {name: category, type: multiclass, label: category, metrics: [accuracy]}",
        "  - {name: footwear, type: binary, label: footwear, metrics: [accuracy]}",
        "model:",
        "  strategy: hard",
        "  hidden: [" + a.hidden() + "]",
        "  activation: relu",
        "  dropout: 0.0",
        "weighting:",
        "  method: " + a.weighting(),
        "optimizer:",
        "  name: adam",
        "  lr: 1.0e-3",
        "training:",
        "  epochs: " + a.epochs(),
        "  batch_size: " + a.batch(),
        "  validation_split: 0.0",
        "output: /tmp/mtl4j-hps-bench",
        "");
  }

  public static void main(String[] argv) throws IOException {
    Args a = Args.parse(argv);
    long tStart = System.nanoTime();
    Mtl4jConfig config = Guice.createInjector(new CatalogModule()).getInstance(ConfigReader.class)
        .parse(yaml(a), "HpsHarness", "hps-bench");
    Injector inj = Guice.createInjector(new Mtl4jModule(config));
    Dataset data = inj.getInstance(Datasets.class).load(config.data(), config.tasks(),
        config.seed());
    NetworkFactory networks = inj.getInstance(NetworkFactory.class);
    Backends backends = inj.getInstance(Backends.class);
    ComputeBackend backend = backends.select(a.backend()).provider()
        .create(BackendOptions.defaults().withThreads(a.threads()));
    System.out.printf("backend %s (%s), threads %d; data: train %d, test %d, input %d;"
        + " set-up %.2f s%n", backend.name(), backend.deviceDescription(), a.threads(),
        data.train().size(), data.test().size(), data.inputSize(),
        (System.nanoTime() - tStart) / 1e9);
    try (backend;
        MultiTaskNetwork net = networks.network(config, data.inputSize(), data.tasks(), backend);
        TaskWeighting weighting = networks.weighting(config, data.tasks(), backend)) {
      run(a, config, backend, net, weighting, data);
    }
  }

  private static void run(Args a, Mtl4jConfig config, ComputeBackend backend,
      MultiTaskNetwork net, TaskWeighting weighting, Dataset data) throws IOException {
    List<Task> tasks = net.tasks();
    List<Parameter> params = new ArrayList<>(net.parameters());
    params.addAll(weighting.parameters());
    List<Parameter> taskParams = new ArrayList<>();
    for (Task t : tasks) {
      taskParams.addAll(net.taskParameters(t.name()));
    }
    Split train = data.train();
    int n = train.size();
    int batch = a.batch();
    int stepsPerEpoch = (n + batch - 1) / batch;
    BatchAssembler assembler = new BatchAssembler(tasks);
    double[] epochSeconds = new double[a.epochs()];
    MemoryStats steadyStart = null;
    long step = 0;
    try (Optimizer optimizer = OptimizerFactory.create(config.optimizer(), backend)) {
      for (int epoch = 0; epoch < a.epochs(); epoch++) {
        if (epoch == 1) {
          steadyStart = backend.memoryStats();
        }
        long t0 = System.nanoTime();
        int[] order = Permutations.of(n, CounterRng.derive(config.seed(), 1000 + epoch));
        double lossSum = 0;
        for (int from = 0; from < n; from += batch) {
          int m = Math.min(batch, n - from);
          try (TensorScope scope = backend.openScope()) {
            Batch b = assembler.assemble(backend, train, order, from, m);
            Graph g = new Graph(backend, CounterRng.derive(config.seed(), 1_000_000L + step));
            NetworkOutput out = net.forward(g, g.constant(b.features()), Mode.TRAIN);
            List<Var> losses = new ArrayList<>(tasks.size());
            for (Task t : tasks) {
              Var l = t.loss().apply(g, out.output(t.name()), b.target(t.name()),
                  b.mask(t.name()));
              losses.add(l);
              lossSum += backend.scalar(l.value());
            }
            WeightingStep ws = new WeightingStep(g, tasks, losses, net.penalty(g).orElse(null),
                net.sharedParameters(), taskParams, out.representation(),
                net.lastSharedWeight().orElse(null), epoch, step);
            weighting.backward(ws);
          }
          optimizer.step(params);
          weighting.afterOptimizerStep();
          optimizer.zeroGrad(params);
          step++;
        }
        weighting.endEpoch(epoch, new double[tasks.size()]);
        epochSeconds[epoch] = (System.nanoTime() - t0) / 1e9;
        System.out.printf("epoch %d: %.2fs  %.0f samples/s  mean loss %.4f%n", epoch + 1,
            epochSeconds[epoch], n / epochSeconds[epoch], lossSum / stepsPerEpoch);
      }
    }
    MemoryStats end = backend.memoryStats();
    Map<String, TaskScores> test = new Evaluator(backend, 512).evaluate(net, data.test());
    double[] later = a.epochs() > 1
        ? Arrays.copyOfRange(epochSeconds, 1, a.epochs()) : epochSeconds.clone();
    Arrays.sort(later);
    double med = later.length % 2 == 1 ? later[later.length / 2]
        : (later[later.length / 2 - 1] + later[later.length / 2]) / 2;
    System.out.println();
    System.out.printf("== mtl4j results (backend %s, %d threads, batch %d, hidden %s, %s) ==%n",
        backend.name(), a.threads(), batch, a.hidden(), a.weighting());
    System.out.printf("mtl4j_train_samples_per_s_median_epochs2plus=%.0f%n", n / med);
    System.out.printf("mtl4j_test_acc_taskA_category=%.4f%n",
        test.get("category").get("accuracy"));
    System.out.printf("mtl4j_test_acc_taskB_footwear=%.4f%n",
        test.get("footwear").get("accuracy"));
    System.out.printf("mtl4j_peak_rss_MiB=%.1f%n", peakRssKiB() / 1024.0);
    if (steadyStart != null) {
      long steps = step - stepsPerEpoch;
      System.out.printf("mtl4j_native_allocations_per_step=%.3f%n",
          (end.systemAllocations() - steadyStart.systemAllocations()) / (double) steps);
      System.out.printf("mtl4j_native_bytes_reserved_growth_per_step=%.1f%n",
          (end.bytesReserved() - steadyStart.bytesReserved()) / (double) steps);
    }
    System.out.printf("mtl4j_native_bytes_reserved=%d%n", end.bytesReserved());
  }

  /** VmHWM of /proc/self/status in KiB, or -1 where there is no procfs. */
  static long peakRssKiB() throws IOException {
    Path p = Path.of("/proc/self/status");
    if (!Files.exists(p)) {
      return -1;
    }
    for (String line : Files.readAllLines(p)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
