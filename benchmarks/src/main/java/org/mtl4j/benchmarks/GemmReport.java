package org.mtl4j.benchmarks;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link GemmBenchmark} and prints GFLOP/s of the backend and of direct {@code cblas_sgemm}
 * per shape, with the ratio backend/cblas (target: at least 0.85). Extra arguments are JMH options,
 * e.g. {@code -wi 2 -i 3 -p threads=2}.
 */
public final class GemmReport {
  private GemmReport() {}

  public static void main(String[] args) throws RunnerException, Exception {
    Options cli = new CommandLineOptions(args);
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
    System.out.println("| m x k x n | backend GFLOP/s | cblas_sgemm GFLOP/s | backend/cblas |");
    System.out.println("|---|---:|---:|---:|");
    for (Map.Entry<String, double[]> e : byShape.entrySet()) {
      double[] v = e.getValue();
      System.out.printf(
          "| %s | %.1f | %.1f | %.1f%% |%n", e.getKey(), v[0], v[1], 100 * v[0] / v[1]);
    }
  }
}
