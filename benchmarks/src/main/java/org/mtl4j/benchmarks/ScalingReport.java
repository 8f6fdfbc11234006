package org.mtl4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How the cost of a training step grows (issue 20's scaling tables): with the number of tasks for
 * several weighting methods, with the trunk's width as a fraction of the backend's sgemm GFLOP/s,
 * and with the batch size. Every figure is the median over rounds of steps that alternate, in one
 * JVM, between the configurations compared (the sessions of one task count; the training steps and
 * the bare GEMMs of one width), so that the load drift of a shared machine stays out of the ratios.
 * Heap per step is the measuring thread's allocation counter.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.mtl4j.benchmarks.ScalingReport tasks|width|batch
 * [rounds] [threads]}; {@code benchmarks/scaling.sh} runs all three.
 */
public final class ScalingReport {
  private static final int INPUT = 784;

  private ScalingReport() {}

  public static void main(String[] args) {
    String sweep = args.length > 0 ? args[0] : "tasks";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    String data = HpsSession.Spec.reference().data();
    switch (sweep) {
      case "tasks" -> tasks(rounds, threads, data);
      case "width" -> width(rounds, threads, data);
      case "batch" -> batch(rounds, threads, data);
      default ->
          throw new IllegalArgumentException(
              "sweep must be tasks, width or batch, got '" + sweep + "'");
    }
  }

  /** Methods named by issue 20 plus one of issue 17's (FAMO, a loss-level O(1)-in-T method). */
  static final String[] METHODS = {"equal", "pcgrad", "mgda", "cagrad", "famo"};

  static final int[] TASKS = {2, 4, 8, 16, 32};

  private static void tasks(int rounds, int threads, String data) {
    HpsSession.Spec r = HpsSession.Spec.reference();
    System.out.printf(
        Locale.ROOT,
        "## steps vs tasks: reference model %s, batch %d, %d threads, %d rounds%n%n",
        r.hidden(),
        r.batch(),
        threads,
        rounds);
    System.out.println(
        "| method | "
            + String.join(" | ", Arrays.stream(TASKS).mapToObj(t -> "T=" + t + " ms").toList())
            + " | T=32 / T=2 | "
            + String.join(
                " | ", Arrays.stream(TASKS).mapToObj(t -> "T=" + t + " KiB heap").toList())
            + " |");
    System.out.println("|---|" + "---:|".repeat(2 * TASKS.length + 1));
    double[][] ms = new double[METHODS.length][TASKS.length];
    double[][] heap = new double[METHODS.length][TASKS.length];
    for (int ti = 0; ti < TASKS.length; ti++) {
      List<Side> sides = new ArrayList<>();
      try {
        for (String m : METHODS) {
          sides.add(
              new Side(
                  new HpsSession(
                      new HpsSession.Spec(
                          r.batch(),
                          threads,
                          r.seed(),
                          r.hidden(),
                          m,
                          TrainingStepBenchmark.representationGradients(m),
                          TASKS[ti],
                          data,
                          r.backend()),
                      1),
                  r.batch(),
                  4));
        }
        double[][] result = alternate(sides, rounds);
        for (int mi = 0; mi < METHODS.length; mi++) {
          ms[mi][ti] = result[mi][0] * 1e3;
          heap[mi][ti] = result[mi][1] / 1024;
        }
      } finally {
        sides.forEach(s -> s.session.close());
      }
    }
    for (int mi = 0; mi < METHODS.length; mi++) {
      StringBuilder row = new StringBuilder("| " + METHODS[mi]);
      for (double v : ms[mi]) {
        row.append(String.format(Locale.ROOT, " | %.1f", v));
      }
      row.append(String.format(Locale.ROOT, " | %.1fx", ms[mi][TASKS.length - 1] / ms[mi][0]));
      for (double v : heap[mi]) {
        row.append(String.format(Locale.ROOT, " | %.1f", v));
      }
      System.out.println(row.append(" |"));
    }
  }

  static final int[] WIDTHS = {256, 512, 1024, 2048, 4096};

  private static void width(int rounds, int threads, String data) {
    int batch = 256;
    System.out.printf(
        Locale.ROOT,
        "## steps vs trunk width: %d-W-W trunk, 2 tasks, batch %d, %d threads, %d rounds%n%n",
        INPUT,
        batch,
        threads,
        rounds);
    System.out.println(
        "| width W | ms/step | training GFLOP/s | sgemm %dxWxW GFLOP/s | fraction of sgemm |"
            .formatted(batch));
    System.out.println("|---:|---:|---:|---:|---:|");
    for (int w : WIDTHS) {
      double flops = 6.0 * batch * ((double) INPUT * w + (double) w * w + 11.0 * w);
      String mkn = batch + "x" + w + "x" + w;
      double gemmFlops = GemmBenchmark.flops(mkn);
      try (HpsSession s =
          new HpsSession(
              new HpsSession.Spec(batch, threads, 42, w + "," + w, "equal", false, 2, data, "cpu"),
              1)) {
        GemmBenchmark g = GemmBenchmark.open(mkn, threads);
        try {
          int steps = Math.max(2, (int) Math.round(4e9 / flops));
          int calls = (int) Math.max(2, Math.round(steps * flops / gemmFlops));
          Side train = new Side(s, batch, steps);
          Runnable gemms =
              () -> {
                for (int i = 0; i < calls; i++) {
                  g.backendGemm();
                }
              };
          train.run();
          gemms.run();
          double[] ts = new double[rounds];
          double[] tg = new double[rounds];
          double[] ratio = new double[rounds];
          for (int i = 0; i < rounds; i++) {
            if (i % 2 == 0) {
              ts[i] = train.run();
              tg[i] = time(gemms);
            } else {
              tg[i] = time(gemms);
              ts[i] = train.run();
            }
            ratio[i] = (flops * steps / ts[i]) / (gemmFlops * calls / tg[i]);
          }
          System.out.printf(
              Locale.ROOT,
              "| %d | %.1f | %.1f | %.1f | %.0f%% |%n",
              w,
              median(ts) * 1e3 / steps,
              flops * steps / median(ts) / 1e9,
              gemmFlops * calls / median(tg) / 1e9,
              100 * median(ratio));
        } finally {
          g.tearDown();
        }
      }
    }
    System.out.println("\nFLOPs per step as issue 6 counts them: 6 x batch x (784W + W^2 + 11W).");
  }

  static final int[] BATCHES = {32, 64, 128, 256, 512, 1024, 2048, 4096};

  private static void batch(int rounds, int threads, String data) {
    HpsSession.Spec r = HpsSession.Spec.reference();
    System.out.printf(
        Locale.ROOT,
        "## steps vs batch size: reference model %s, 2 tasks, equal, %d threads, %d rounds%n%n",
        r.hidden(),
        threads,
        rounds);
    System.out.println("| batch | ms/step | us/example | examples/s | KiB heap/step |");
    System.out.println("|---:|---:|---:|---:|---:|");
    List<Side> sides = new ArrayList<>();
    try {
      for (int b : BATCHES) {
        sides.add(
            new Side(
                new HpsSession(
                    new HpsSession.Spec(
                        b, threads, r.seed(), r.hidden(), "equal", false, 2, data, r.backend()),
                    1),
                b,
                Math.max(2, 8192 / b)));
      }
      double[][] result = alternate(sides, rounds);
      for (int i = 0; i < BATCHES.length; i++) {
        double s = result[i][0];
        System.out.printf(
            Locale.ROOT,
            "| %d | %.2f | %.2f | %.0f | %.1f |%n",
            BATCHES[i],
            s * 1e3,
            s * 1e6 / BATCHES[i],
            BATCHES[i] / s,
            result[i][1] / 1024);
      }
    } finally {
      sides.forEach(s -> s.session.close());
    }
  }

  /**
   * Rounds over every side, the order rotated each round; per side the median seconds per step and
   * the median heap bytes per step.
   */
  private static double[][] alternate(List<Side> sides, int rounds) {
    for (Side s : sides) {
      s.run(); // warm-up
    }
    double[][] secs = new double[sides.size()][rounds];
    double[][] heap = new double[sides.size()][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < sides.size(); k++) {
        int i = (k + r) % sides.size();
        Side s = sides.get(i);
        secs[i][r] = s.run() / s.steps;
        heap[i][r] = (double) s.allocated / s.steps;
      }
    }
    double[][] out = new double[sides.size()][];
    for (int i = 0; i < sides.size(); i++) {
      out[i] = new double[] {median(secs[i]), median(heap[i])};
    }
    return out;
  }

  /** One session's rounds of steps over the training rows in order. */
  private static final class Side {
    final HpsSession session;
    final int batch;
    final int steps;
    private final int[] order;
    private int cursor;
    long allocated;

    Side(HpsSession session, int batch, int steps) {
      this.session = session;
      this.batch = batch;
      this.steps = steps;
      this.order = new int[session.data.train().size()];
      Arrays.setAll(order, i -> i);
    }

    /** Seconds for {@link #steps} steps; {@link #allocated} is the heap they allocated. */
    double run() {
      com.sun.management.ThreadMXBean mx =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long h0 = mx.getCurrentThreadAllocatedBytes();
      long t0 = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        if (cursor + batch > order.length) {
          cursor = 0;
        }
        session.step(order, cursor, batch, 0);
        cursor += batch;
      }
      double s = (System.nanoTime() - t0) * 1e-9;
      allocated = mx.getCurrentThreadAllocatedBytes() - h0;
      return s;
    }
  }

  private static double time(Runnable r) {
    long t0 = System.nanoTime();
    r.run();
    return (System.nanoTime() - t0) * 1e-9;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
