package org.mtl4j.benchmarks;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Row-major {@code C = A * B} of {@code m x k} by {@code k x n}, through the {@code cpu} backend's
 * {@link ComputeBackend#gemm} and, as the baseline, by {@code cblas_sgemm} called directly on the
 * same OpenBLAS (org.bytedeco openblas 0.3.21) with the same thread count. GFLOP/s = {@code 2 m n k
 * * ops/s / 1e9}; {@link GemmReport} prints them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GemmBenchmark {

  /** {@code m x k x n}. */
  @Param({"256x784x512", "1024x1024x1024"})
  public String mkn;

  /** OpenBLAS threads; 0 = the backend default (available cores). */
  @Param({"0"})
  public int threads;

  private ComputeBackend backend;
  private Tensor a;
  private Tensor b;
  private Tensor c;
  private FloatPointer pa;
  private FloatPointer pb;
  private FloatPointer pc;
  private int m;
  private int k;
  private int n;

  @Setup(Level.Trial)
  public void setUp() {
    String[] d = mkn.split("x");
    m = Integer.parseInt(d[0]);
    k = Integer.parseInt(d[1]);
    n = Integer.parseInt(d[2]);
    backend =
        Backends.discover()
            .select("cpu")
            .provider()
            .create(BackendOptions.defaults().withThreads(threads));
    float[] ha = random(m * k, 1);
    float[] hb = random(k * n, 2);
    a = backend.fromHost(Shape.matrix(m, k), ha);
    b = backend.fromHost(Shape.matrix(k, n), hb);
    c = backend.zeros(Shape.matrix(m, n));
    pa = new FloatPointer(ha);
    pb = new FloatPointer(hb);
    pc = new FloatPointer((long) m * n);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pa.close();
    pb.close();
    pc.close();
    backend.close();
  }

  /** Floating-point operations of one multiply. */
  public static double flops(String mkn) {
    String[] d = mkn.split("x");
    return 2.0 * Double.parseDouble(d[0]) * Double.parseDouble(d[1]) * Double.parseDouble(d[2]);
  }

  /** For {@link GemmReport}'s paired run outside JMH. */
  static GemmBenchmark open(String mkn, int threads) {
    GemmBenchmark b = new GemmBenchmark();
    b.mkn = mkn;
    b.threads = threads;
    b.setUp();
    return b;
  }

  @Benchmark
  public void backendGemm() {
    backend.gemm(false, false, 1f, a, b, 0f, c);
  }

  @Benchmark
  public void cblasSgemm() {
    openblas_nolapack.cblas_sgemm(
        openblas_nolapack.CblasRowMajor,
        openblas_nolapack.CblasNoTrans,
        openblas_nolapack.CblasNoTrans,
        m,
        n,
        k,
        1f,
        pa,
        k,
        pb,
        n,
        0f,
        pc,
        n);
  }

  static float[] random(int size, long seed) {
    Random r = new Random(seed);
    float[] x = new float[size];
    for (int i = 0; i < size; i++) {
      x[i] = r.nextFloat() * 2f - 1f;
    }
    return x;
  }
}
