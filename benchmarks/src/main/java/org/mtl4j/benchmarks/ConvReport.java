package org.mtl4j.benchmarks;

import java.util.Arrays;
import org.mtl4j.api.backend.MemoryStats;

/**
 * The convolution target of issue 16 in paired rounds: alternates, in one JVM, rounds of {@link
 * ConvBenchmark#convForwardBackward}, of the backend's sgemm on 1024x1024x1024 ({@link
 * GemmBenchmark#backendGemm}, the backend's sgemm figure in benchmarks/README.md) and of {@link
 * ConvBenchmark#equivalentSgemm} (the layer's multiply-adds as three whole-batch products), and
 * prints the medians of the per-round GFLOP/s ratios, which load drift on a shared machine cancels
 * out of. Also prints the native allocations the backend made during the measured steps (target:
 * 0).
 *
 * <p>Usage: {@code java -cp benchmarks.jar org.mtl4j.benchmarks.ConvReport [rounds] [threads]}
 * (defaults 11, 2).
 */
public final class ConvReport {
  private ConvReport() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int steps = 3;
    double[] conv = new double[rounds];
    double[] gemm = new double[rounds];
    double[] ratio = new double[rounds];
    double[] square = new double[rounds];
    double[] squareRatio = new double[rounds];
    ConvBenchmark b = ConvBenchmark.open(threads);
    String mkn = "1024x1024x1024";
    GemmBenchmark sq = GemmBenchmark.open(mkn, threads);
    int calls = (int) Math.round(steps * ConvBenchmark.FLOPS / GemmBenchmark.flops(mkn));
    long allocations;
    long reservedGrowth;
    try {
      Runnable convSteps =
          () -> {
            for (int i = 0; i < steps; i++) {
              b.convForwardBackward();
            }
          };
      Runnable gemmSteps =
          () -> {
            for (int i = 0; i < steps; i++) {
              b.equivalentSgemm();
            }
          };
      Runnable squareGemms =
          () -> {
            for (int i = 0; i < calls; i++) {
              sq.backendGemm();
            }
          };
      convSteps.run(); // warm-up (also fills the buffer pool)
      gemmSteps.run();
      squareGemms.run();
      MemoryStats before = b.backend().memoryStats();
      for (int r = 0; r < rounds; r++) {
        double tc;
        double tg;
        double ts;
        if (r % 2 == 0) {
          tc = time(convSteps);
          ts = time(squareGemms);
          tg = time(gemmSteps);
        } else {
          tg = time(gemmSteps);
          ts = time(squareGemms);
          tc = time(convSteps);
        }
        conv[r] = ConvBenchmark.FLOPS * steps / tc / 1e9;
        gemm[r] = ConvBenchmark.FLOPS * steps / tg / 1e9;
        square[r] = GemmBenchmark.flops(mkn) * calls / ts / 1e9;
        ratio[r] = conv[r] / gemm[r];
        squareRatio[r] = conv[r] / square[r];
      }
      MemoryStats after = b.backend().memoryStats();
      allocations = after.systemAllocations() - before.systemAllocations();
      reservedGrowth = after.bytesReserved() - before.bytesReserved();
    } finally {
      sq.tearDown();
      b.tearDown();
    }
    System.out.printf(
        "conv 3x3 %d->%d on %dx%d, batch %d, forward + input grad + weight grad, %d threads,"
            + " %d paired rounds of %d steps (%.2f GFLOP/step)%n",
        ConvBenchmark.CHANNELS,
        ConvBenchmark.CHANNELS,
        ConvBenchmark.SIZE,
        ConvBenchmark.SIZE,
        ConvBenchmark.BATCH,
        threads,
        rounds,
        steps,
        ConvBenchmark.FLOPS / 1e9);
    System.out.printf("conv GFLOP/s: median %.1f%n", median(conv));
    System.out.printf("backend sgemm %s GFLOP/s: median %.1f%n", mkn, median(square));
    System.out.printf(
        "conv / sgemm %s (median of per-round ratios): %.1f%%%n", mkn, 100 * median(squareRatio));
    System.out.println("per-round ratios: " + Arrays.toString(round(squareRatio)));
    System.out.printf(
        "whole-batch equivalent products GFLOP/s: median %.1f; conv / those: %.1f%%%n",
        median(gemm), 100 * median(ratio));
    System.out.println("per-round ratios: " + Arrays.toString(round(ratio)));
    System.out.printf(
        "native allocations during the %d measured conv steps (and the gemms): %d (%d bytes"
            + " reserved)%n",
        rounds * steps, allocations, reservedGrowth);
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
