package org.mtl4j.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.trainer.data.Permutations;

/**
 * Per-step time of weighting methods against {@code equal} on the reference model ({@link
 * HpsSession}, as {@link TrainingStepBenchmark}), measured the way {@link GemmReport} measures gemm
 * on a shared machine: both sessions live in one JVM and rounds of {@code steps} training steps
 * alternate between {@code equal} and the method; the figure is the median of the per-round ratios,
 * which load drift affects far less than separate JMH trials. Gradient-level methods run on
 * representation gradients where their plugin supports it.
 *
 * <pre>
 * java -cp benchmarks.jar org.mtl4j.benchmarks.WeightingStepReport METHODS TASKS [ROUNDS] [STEPS]
 *   e.g. upgrad,imtl 2,8 15 8
 * </pre>
 */
public final class WeightingStepReport {
  private WeightingStepReport() {}

  public static void main(String[] args) {
    String[] methods = args[0].split(",");
    int[] taskCounts = Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray();
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    System.out.printf(
        Locale.ROOT,
        "paired rounds: %d rounds of %d steps each side; median ms/step and median per-round"
            + " ratio (min-max)%n",
        rounds,
        steps);
    System.out.println(
        "| method | tasks | equal ms/step | method ms/step | ratio (median) | range |");
    System.out.println("|---|---:|---:|---:|---:|---|");
    for (int tasks : taskCounts) {
      try (HpsSession equal = session("equal", tasks)) {
        int[] order = Permutations.of(equal.data.train().size(), CounterRng.derive(42, 1000));
        int batch = HpsSession.Spec.reference().batch();
        Cursor ce = new Cursor(order, batch);
        run(equal, ce, 20);
        for (String m : methods) {
          try (HpsSession method = session(m, tasks)) {
            Cursor cm = new Cursor(order, batch);
            run(method, cm, 20);
            double[] te = new double[rounds];
            double[] tm = new double[rounds];
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
              te[r] = run(equal, ce, steps) / steps;
              tm[r] = run(method, cm, steps) / steps;
              ratio[r] = tm[r] / te[r];
            }
            double[] sorted = ratio.clone();
            Arrays.sort(sorted);
            System.out.printf(
                Locale.ROOT,
                "| %s | %d | %.2f | %.2f | %.2f | %.2f-%.2f |%n",
                m,
                tasks,
                median(te),
                median(tm),
                median(ratio),
                sorted[0],
                sorted[rounds - 1]);
          }
        }
      }
    }
  }

  private static HpsSession session(String weighting, int tasks) {
    HpsSession.Spec r = HpsSession.Spec.reference();
    return new HpsSession(
        new HpsSession.Spec(
            r.batch(),
            r.threads(),
            r.seed(),
            "512-256",
            weighting,
            TrainingStepBenchmark.representationGradients(weighting),
            tasks,
            r.data(),
            r.backend()),
        1);
  }

  /** Where each session is in the shared batch order. */
  private static final class Cursor {
    final int[] order;
    final int batch;
    int from;

    Cursor(int[] order, int batch) {
      this.order = order;
      this.batch = batch;
    }
  }

  /** Milliseconds for {@code n} steps. */
  private static double run(HpsSession s, Cursor c, int n) {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (c.from + c.batch > c.order.length) {
        c.from = 0;
      }
      s.step(c.order, c.from, c.batch, 1);
      c.from += c.batch;
    }
    return (System.nanoTime() - t0) / 1e6;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
