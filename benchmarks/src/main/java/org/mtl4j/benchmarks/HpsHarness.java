package org.mtl4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.backend.MemoryStats;
import org.mtl4j.trainer.data.Permutations;
import org.mtl4j.trainer.metrics.TaskScores;
import org.mtl4j.trainer.training.Evaluator;

/**
 * End-to-end throughput harness for the reference hard-parameter-sharing model of {@code
 * ../shared/bench/README.md} (Caruana 1997, "Multitask Learning"): a 784-512-256 ReLU trunk shared
 * by a 10-class category head and a binary footwear head on Fashion-MNIST, equal weighting, Adam
 * 1e-3, batch 256, 5 epochs. It uses mtl4j's real pieces: the trainer's config reader,
 * Fashion-MNIST source, {@code BatchAssembler} and {@link Permutations}, the {@code hard} strategy
 * and {@code equal} weighting found as plugins, and the trainer's {@code TrainingStep}, the step
 * every local and Spark run executes (scope, graph, forward, task losses, weighting backward,
 * clipping, the scheduled optimiser step, zeroed gradients), without validation and checkpoints,
 * which PyTorch's reference script does not do either.
 *
 * <p>Prints {@code key=value} lines like {@code torch_hps.py}: samples/s (median of epochs 2..N,
 * shuffle and batch assembly included), test accuracy of both tasks, peak RSS and the backend's
 * native allocations per steady-state step.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar org.mtl4j.benchmarks.HpsHarness
 * [--epochs 5] [--batch 256] [--threads 2] [--seed 42] [--hidden 512,256] [--weighting equal]
 * [--rep-grad false] [--tasks 2] [--data /usr/share/datasets/fashion-mnist] [--phases false]}
 * ({@code --phases true} prints the mean milliseconds per step of each phase over epochs 2..N).
 */
public final class HpsHarness {
  private HpsHarness() {}

  /** Parsed command line. */
  record Args(int epochs, HpsSession.Spec spec, boolean phases) {
    static Args parse(String[] a) {
      HpsSession.Spec r = HpsSession.Spec.reference();
      int epochs = 5;
      int batch = r.batch();
      int threads = r.threads();
      long seed = r.seed();
      String hidden = r.hidden();
      String weighting = r.weighting();
      boolean repGrad = false;
      int tasks = r.tasks();
      String data = r.data();
      String backend = r.backend();
      boolean phases = false;
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
          case "--rep-grad" -> repGrad = Boolean.parseBoolean(v);
          case "--tasks" -> tasks = Integer.parseInt(v);
          case "--data" -> data = v;
          case "--backend" -> backend = v;
          case "--phases" -> phases = Boolean.parseBoolean(v);
          default ->
              throw new IllegalArgumentException(
                  "unknown option "
                      + k
                      + "; expected --epochs, --batch, --threads, --seed, --hidden, --weighting,"
                      + " --rep-grad, --tasks, --data, --backend or --phases");
        }
      }
      if (epochs < 1) {
        throw new IllegalArgumentException("--epochs must be >= 1, got " + epochs);
      }
      return new Args(
          epochs,
          new HpsSession.Spec(
              batch, threads, seed, hidden, weighting, repGrad, tasks, data, backend),
          phases);
    }
  }

  public static void main(String[] argv) throws IOException {
    Args a = Args.parse(argv);
    long tStart = System.nanoTime();
    try (HpsSession s = new HpsSession(a.spec(), a.epochs())) {
      System.out.printf(
          "backend %s (%s), threads %d; data: train %d, test %d, input %d;" + " set-up %.2f s%n",
          s.backend.name(),
          s.backend.deviceDescription(),
          a.spec().threads(),
          s.data.train().size(),
          s.data.test().size(),
          s.data.inputSize(),
          (System.nanoTime() - tStart) / 1e9);
      run(a, s);
    }
  }

  /** The BLAS libraries mapped into this process (from /proc/self/maps), for the record. */
  static String loadedBlas() throws IOException {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.exists(maps)) {
      return "?";
    }
    return Files.readAllLines(maps).stream()
        .map(l -> l.substring(l.lastIndexOf(' ') + 1))
        .filter(f -> f.contains("blas"))
        .distinct()
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private static void run(Args a, HpsSession s) throws IOException {
    int n = s.data.train().size();
    int batch = a.spec().batch();
    int stepsPerEpoch = (n + batch - 1) / batch;
    double[] epochSeconds = new double[a.epochs()];
    MemoryStats steadyStart = null;
    long[] steadyPhases = null;
    if (a.phases()) {
      s.timePhases();
    }
    for (int epoch = 0; epoch < a.epochs(); epoch++) {
      long[] epochPhases = s.phaseNanos();
      if (epoch == 1) {
        steadyStart = s.backend.memoryStats();
        steadyPhases = epochPhases;
      }
      long t0 = System.nanoTime();
      int[] order = Permutations.of(n, CounterRng.derive(s.config.seed(), 1000 + epoch));
      double lossSum = 0;
      for (int from = 0; from < n; from += batch) {
        lossSum += s.step(order, from, Math.min(batch, n - from), epoch);
      }
      s.weighting.endEpoch(epoch, new double[s.tasks.size()]);
      epochSeconds[epoch] = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "epoch %d: %.2fs  %.0f samples/s  mean loss %.4f%s%n",
          epoch + 1,
          epochSeconds[epoch],
          n / epochSeconds[epoch],
          lossSum / stepsPerEpoch,
          phaseLine(epochPhases, s.phaseNanos(), stepsPerEpoch));
    }
    MemoryStats end = s.backend.memoryStats();
    Map<String, TaskScores> test = new Evaluator(s.backend, 512).evaluate(s.net, s.data.test());
    double[] later =
        a.epochs() > 1 ? Arrays.copyOfRange(epochSeconds, 1, a.epochs()) : epochSeconds.clone();
    Arrays.sort(later);
    double med =
        later.length % 2 == 1
            ? later[later.length / 2]
            : (later[later.length / 2 - 1] + later[later.length / 2]) / 2;
    HpsSession.Spec sp = a.spec();
    System.out.println();
    System.out.printf(
        "== mtl4j results (backend %s, %d threads, batch %d, hidden %s, %d tasks," + " %s%s) ==%n",
        s.backend.name(),
        sp.threads(),
        batch,
        sp.hidden(),
        sp.tasks(),
        sp.weighting(),
        sp.repGrad() ? " rep_grad" : "");
    System.out.printf("mtl4j_train_samples_per_s_median_epochs2plus=%.0f%n", n / med);
    for (String task : test.keySet()) {
      String key =
          task.equals("category")
              ? "taskA_category"
              : task.equals("footwear") ? "taskB_footwear" : task;
      System.out.printf("mtl4j_test_acc_%s=%.4f%n", key, test.get(task).get("accuracy"));
    }
    System.out.printf("mtl4j_peak_rss_MiB=%.1f%n", peakRssKiB() / 1024.0);
    if (steadyStart != null) {
      long steps = s.steps() - stepsPerEpoch;
      System.out.printf(
          "mtl4j_native_allocations_per_step=%.3f%n",
          (end.systemAllocations() - steadyStart.systemAllocations()) / (double) steps);
      System.out.printf(
          "mtl4j_native_bytes_allocated_per_step=%.1f%n",
          Math.max(0, end.bytesReserved() - steadyStart.bytesReserved()) / (double) steps);
    }
    System.out.printf("mtl4j_native_bytes_reserved=%d%n", end.bytesReserved());
    long[] phaseNanos = s.phaseNanos();
    if (phaseNanos != null && steadyPhases != null) {
      long steps = s.steps() - stepsPerEpoch;
      for (int i = 0; i < phaseNanos.length; i++) {
        System.out.printf(
            "mtl4j_phase_ms_per_step_%s=%.3f%n",
            HpsSession.PHASES[i], (phaseNanos[i] - steadyPhases[i]) / 1e6 / steps);
      }
    }
    System.out.println("mtl4j_loaded_blas=" + loadedBlas());
  }

  /** Mean ms per step of each phase between two readings, or "" when phases are not timed. */
  private static String phaseLine(long[] before, long[] after, int steps) {
    if (before == null || after == null) {
      return "";
    }
    StringBuilder b = new StringBuilder("  ms/step:");
    for (int i = 0; i < before.length; i++) {
      b.append(
          String.format(" %s %.2f", HpsSession.PHASES[i], (after[i] - before[i]) / 1e6 / steps));
    }
    return b.toString();
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
