package org.mtl4j.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Prints GFLOP/s of the {@code cpu} backend's gemm and of direct {@code cblas_sgemm} on the same
 * OpenBLAS, per shape, with the ratio backend/cblas (target: at least 0.85), measured two ways:
 *
 * <ol>
 *   <li>{@link GemmBenchmark} under JMH (separate forks, so on a shared, noisy machine the two
 *       sides may see different load);
 *   <li>a paired run in one JVM that alternates rounds of backend and cblas calls and reports the
 *       medians and the median of the per-round ratios, which load drift affects far less.
 * </ol>
 *
 * <p>Arguments are JMH options, e.g. {@code -wi 2 -i 3 -p threads=2}; {@code -p threads=N} also
 * sets the paired run's threads.
 */
public final class GemmReport {
  private static final String[] SHAPES = {"256x784x512", "1024x1024x1024"};
  private static final int ROUNDS = 21;

  private GemmReport() {}

  public static void main(String[] args) throws Exception {
    Options cli = new CommandLineOptions(args);
    int threads =
        cli.getParameter("threads").hasValue()
            ? Integer.parseInt(cli.getParameter("threads").get().iterator().next())
            : 0;
    Options opts =
        new OptionsBuilder().parent(cli).include(GemmBenchmark.class.getSimpleName()).build();
    Collection<RunResult> results = new Runner(opts).run();
    Map<String, double[]> byShape = new TreeMap<>();
    for (RunResult r : results) {
      String shape =
          r.getParams().getParam("mkn") + " threads=" + r.getParams().getParam("threads");
      String method = r.getParams().getBenchmark();
      double opsPerS = r.getPrimaryResult().getScore();
      double gflops = GemmBenchmark.flops(r.getParams().getParam("mkn")) * opsPerS / 1e9;
      double[] row = byShape.computeIfAbsent(shape, s -> new double[2]);
      row[method.endsWith("backendGemm") ? 0 : 1] = gflops;
    }
    System.out.println();
    System.out.println("JMH (separate forks):");
    System.out.println("| m x k x n | backend GFLOP/s | cblas_sgemm GFLOP/s | backend/cblas |");
    System.out.println("|---|---:|---:|---:|");
    for (Map.Entry<String, double[]> e : byShape.entrySet()) {
      double[] v = e.getValue();
      System.out.printf(
          "| %s | %.1f | %.1f | %.1f%% |%n", e.getKey(), v[0], v[1], 100 * v[0] / v[1]);
    }
    System.out.println();
    System.out.println("Paired, alternating rounds in one JVM (medians of " + ROUNDS + " rounds):");
    System.out.println("| m x k x n | backend GFLOP/s | cblas_sgemm GFLOP/s | backend/cblas |");
    System.out.println("|---|---:|---:|---:|");
    for (String shape : SHAPES) {
      paired(shape, threads);
    }
  }

  private static void paired(String mkn, int threads) {
    GemmBenchmark b = GemmBenchmark.open(mkn, threads);
    try {
      double flops = GemmBenchmark.flops(mkn);
      int calls = Math.max(3, (int) (2e9 / flops)); // about 10 ms of work per side and round
      for (int i = 0; i < 3 * calls; i++) {
        b.backendGemm();
        b.cblasSgemm();
      }
      List<Double> backend = new ArrayList<>();
      List<Double> cblas = new ArrayList<>();
      double[] ratios = new double[ROUNDS];
      for (int r = 0; r < ROUNDS; r++) {
        double tb;
        double tc;
        if (r % 2 == 0) {
          tb = time(b::backendGemm, calls);
          tc = time(b::cblasSgemm, calls);
        } else {
          tc = time(b::cblasSgemm, calls);
          tb = time(b::backendGemm, calls);
        }
        backend.add(flops * calls / tb / 1e9);
        cblas.add(flops * calls / tc / 1e9);
        ratios[r] = tc / tb;
      }
      System.out.printf(
          "| %s threads=%d | %.1f | %.1f | %.1f%% |%n",
          mkn, threads, median(backend), median(cblas), 100 * median(ratios));
    } finally {
      b.tearDown();
    }
  }

  private static double time(Runnable op, int calls) {
    long t0 = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      op.run();
    }
    return (System.nanoTime() - t0) * 1e-9;
  }

  private static double median(List<Double> v) {
    return median(v.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
