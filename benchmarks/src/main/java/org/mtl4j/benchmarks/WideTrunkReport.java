package org.mtl4j.benchmarks;

import java.util.Arrays;

/**
 * Training efficiency of a wide trunk (784-2048-2048, issue 6's target: at least 70% of the
 * backend's own sgemm GFLOP/s): alternates, in one JVM, rounds of training steps of the reference
 * model with that trunk and rounds of the backend's {@code gemm} on 256x2048x2048, and prints the
 * median of the per-round ratios. Pairing the two sides round by round keeps load drift on a shared
 * machine out of the ratio (separate JMH forks swung by 2x here).
 *
 * <p>FLOPs per step are counted as the issue says, three GEMMs per layer: {@code 6 * batch *
 * (784*2048 + 2048*2048 + 2048*11)}; the step really does less (the first layer's input gradient is
 * not computed), so the figure understates the efficiency slightly; both counts are printed.
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.mtl4j.benchmarks.WideTrunkReport [rounds] [threads]
 * [data dir]} (defaults 11, 2, /usr/share/datasets/fashion-mnist).
 */
public final class WideTrunkReport {
  private static final int BATCH = 256;
  private static final int WIDTH = 2048;
  private static final int INPUT = 784;
  private static final int OUTPUTS = 11; // 10 categories + footwear

  private WideTrunkReport() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    String data = args.length > 2 ? args[2] : HpsSession.Spec.reference().data();
    double issueFlops =
        6.0 * BATCH * ((double) INPUT * WIDTH + (double) WIDTH * WIDTH + (double) WIDTH * OUTPUTS);
    double trueFlops =
        2.0 * BATCH * (2.0 * INPUT * WIDTH + 3.0 * WIDTH * WIDTH + 3.0 * WIDTH * OUTPUTS);
    HpsSession.Spec spec =
        new HpsSession.Spec(
            BATCH, threads, 42, WIDTH + "," + WIDTH, "equal", false, 2, data, "cpu");
    String mkn = BATCH + "x" + WIDTH + "x" + WIDTH;
    double gemmFlops = GemmBenchmark.flops(mkn);
    double[] stepGflops = new double[rounds];
    double[] gemmGflops = new double[rounds];
    double[] ratio = new double[rounds];
    try (HpsSession s = new HpsSession(spec, 1)) {
      GemmBenchmark g = GemmBenchmark.open(mkn, threads);
      try {
        int n = s.data.train().size();
        int[] order = new int[n];
        Arrays.setAll(order, i -> i);
        int steps = 8;
        int calls = 24; // about as many multiply-adds as the 8 steps
        int[] cursor = {0};
        Runnable trainSteps =
            () -> {
              for (int i = 0; i < steps; i++) {
                if (cursor[0] + BATCH > n) {
                  cursor[0] = 0;
                }
                s.step(order, cursor[0], BATCH, 0);
                cursor[0] += BATCH;
              }
            };
        Runnable gemms =
            () -> {
              for (int i = 0; i < calls; i++) {
                g.backendGemm();
              }
            };
        trainSteps.run(); // warm-up
        gemms.run();
        for (int r = 0; r < rounds; r++) {
          double ts;
          double tg;
          if (r % 2 == 0) {
            ts = time(trainSteps);
            tg = time(gemms);
          } else {
            tg = time(gemms);
            ts = time(trainSteps);
          }
          stepGflops[r] = issueFlops * steps / ts / 1e9;
          gemmGflops[r] = gemmFlops * calls / tg / 1e9;
          ratio[r] = stepGflops[r] / gemmGflops[r];
        }
      } finally {
        g.tearDown();
      }
    }
    System.out.printf(
        "wide trunk %d-%d-%d, batch %d, %d threads, %d paired rounds%n",
        INPUT, WIDTH, WIDTH, BATCH, threads, rounds);
    System.out.printf(
        "training GFLOP/s (issue count, %.2f GFLOP/step): median %.1f%n",
        issueFlops / 1e9, median(stepGflops));
    System.out.printf("backend gemm %s GFLOP/s: median %.1f%n", mkn, median(gemmGflops));
    System.out.printf(
        "efficiency (median of per-round ratios): %.1f%% (issue count), %.1f%% (GEMMs the step"
            + " runs, %.2f GFLOP/step)%n",
        100 * median(ratio), 100 * median(ratio) * trueFlops / issueFlops, trueFlops / 1e9);
    System.out.println("per-round ratios: " + Arrays.toString(round(ratio)));
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

  private static double[] round(double[] v) {
    return Arrays.stream(v).map(x -> Math.round(x * 1000) / 1000.0).toArray();
  }
}
