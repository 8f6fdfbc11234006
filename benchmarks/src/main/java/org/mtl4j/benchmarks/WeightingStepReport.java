package org.mtl4j.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Per-step cost of weighting methods against {@code equal} on the reference model (issue 17's
 * budget: loss-level methods at most 1.05x, gradient-level at most 1.3x with 2 tasks and 2x with 8;
 * heap under 64 KiB per step). For each method it builds two {@link HpsSession}s, equal and the
 * method (with {@code rep_grad} where the provider states support, as {@link TrainingStepBenchmark}
 * does), and alternates, in one JVM, rounds of training steps of each, swapping the order every
 * round; it prints the median of the per-round time ratios, which keeps the load drift of a shared
 * machine out of the ratio (separate JMH forks swing by 2x there), and the heap each side allocates
 * per step (the thread's allocation counter).
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.mtl4j.benchmarks.WeightingStepReport METHODS [tasks,
 * comma separated] [rounds] [steps per round] [threads]}, METHODS comma separated (defaults: 2
 * tasks, 15 rounds, 8 steps, 2 threads).
 */
public final class WeightingStepReport {
  private WeightingStepReport() {}

  public static void main(String[] args) {
    String[] methods = args.length > 0 ? args[0].split(",") : new String[] {"famo"};
    int[] taskCounts =
        args.length > 1
            ? Arrays.stream(args[1].split(",")).mapToInt(Integer::parseInt).toArray()
            : new int[] {2};
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    int steps = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    System.out.printf(
        "method | tasks | equal ms/step | method ms/step | median ratio | ratios min-max |"
            + " heap B/step equal | heap B/step method%n");
    for (int tasks : taskCounts) {
      for (String method : methods) {
        report(method, tasks, rounds, steps, threads);
      }
    }
  }

  private static HpsSession session(String method, int tasks, int threads) {
    HpsSession.Spec r = HpsSession.Spec.reference();
    return new HpsSession(
        new HpsSession.Spec(
            r.batch(),
            threads,
            r.seed(),
            r.hidden(),
            method,
            TrainingStepBenchmark.representationGradients(method),
            tasks,
            r.data(),
            r.backend()),
        1);
  }

  private static void report(String method, int tasks, int rounds, int steps, int threads) {
    try (HpsSession equal = session("equal", tasks, threads);
        HpsSession other = session(method, tasks, threads)) {
      Side a = new Side(equal, steps);
      Side b = new Side(other, steps);
      a.run();
      b.run(); // warm-up
      a.run();
      b.run();
      double[] ta = new double[rounds];
      double[] tb = new double[rounds];
      double[] ratio = new double[rounds];
      long heapA = 0;
      long heapB = 0;
      for (int i = 0; i < rounds; i++) {
        if (i % 2 == 0) {
          ta[i] = a.run();
          heapA += a.allocated;
          tb[i] = b.run();
          heapB += b.allocated;
        } else {
          tb[i] = b.run();
          heapB += b.allocated;
          ta[i] = a.run();
          heapA += a.allocated;
        }
        ratio[i] = tb[i] / ta[i];
      }
      double[] sorted = ratio.clone();
      Arrays.sort(sorted);
      System.out.printf(
          "%s | %d | %.2f | %.2f | %.3f | %.2f-%.2f | %d | %d%n",
          method,
          tasks,
          median(ta) * 1e3 / steps,
          median(tb) * 1e3 / steps,
          median(ratio),
          sorted[0],
          sorted[sorted.length - 1],
          heapA / ((long) rounds * steps),
          heapB / ((long) rounds * steps));
    }
  }

  /** One session's rounds of steps over a fixed example order. */
  private static final class Side {
    private final HpsSession session;
    private final int steps;
    private final int[] order;
    private int cursor;
    long allocated;

    Side(HpsSession session, int steps) {
      this.session = session;
      this.steps = steps;
      int n = session.data.train().size();
      this.order = new int[n];
      Arrays.setAll(order, i -> i);
    }

    /** Seconds for {@code steps} steps; {@link #allocated} is the heap they allocated. */
    double run() {
      com.sun.management.ThreadMXBean mx =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      int batch = HpsSession.Spec.reference().batch();
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

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
