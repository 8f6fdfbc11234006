package org.mtl4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
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
 * Forward and backward pass of one convolutional layer on the {@code cpu} backend (issue 16: a 3x3,
 * 64 -> 64 channel convolution with padding 1 on 32x32 images, batch 64; target at least 60% of the
 * backend's sgemm GFLOP/s and no native allocation per steady-state step).
 *
 * <ul>
 *   <li>{@link #convForwardBackward}: {@code conv2d} with bias, {@code conv2dBackwardInput} and
 *       {@code conv2dBackwardWeight} with the bias gradient: one training step of the layer.
 *   <li>{@link #equivalentSgemm}: the same multiply-adds as three whole-batch products through the
 *       backend's {@code gemm}: {@code [64 x 576] x [576 x 65536]} (forward), its transpose product
 *       (input gradient) and {@code [64 x 65536] x [65536 x 576]} (weight gradient), i.e.
 *       convolution by im2col with no cost for the unrolling and the per-image split.
 *   <li>{@link #sgemm1024}: the backend's sgemm on 1024x1024x1024, its headline figure ({@link
 *       GemmBenchmark}): the sgemm GFLOP/s the layer is measured against.
 * </ul>
 *
 * GFLOP/s = {@link #FLOPS} {@code * ops/s / 1e9} for the first two and {@code 2.147 * ops/s} for
 * the third; {@link ConvReport} prints them from paired rounds, which on a shared machine is the
 * figure to trust.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ConvBenchmark {
  static final int BATCH = 64;
  static final int CHANNELS = 64;
  static final int SIZE = 32;
  static final int KERNEL = 3;

  /** Multiply-adds of one step, times 2: three products of {@code 64 x 576 x (64*32*32)}. */
  public static final double FLOPS =
      3 * 2.0 * CHANNELS * CHANNELS * KERNEL * KERNEL * BATCH * SIZE * SIZE;

  /** OpenBLAS threads and helpers; 0 = the backend default (available cores). */
  @Param({"0"})
  public int threads;

  private ComputeBackend backend;
  private final Conv2dParams params = Conv2dParams.of(1, 1, 1);
  private Tensor x;
  private Tensor w;
  private Tensor bias;
  private Tensor out;
  private Tensor gradOut;
  private Tensor gradIn;
  private Tensor gradW;
  private Tensor gradB;
  private Tensor cols;
  private Tensor wide;
  private Tensor smallW;
  private Tensor sqA;
  private Tensor sqB;
  private Tensor sqC;

  @Setup(Level.Trial)
  public void setUp() {
    backend =
        Backends.discover()
            .select("cpu")
            .provider()
            .create(BackendOptions.defaults().withThreads(threads));
    Shape image = Shape.of(BATCH, CHANNELS, SIZE, SIZE);
    Shape weight = Shape.of(CHANNELS, CHANNELS, KERNEL, KERNEL);
    x = backend.fromHost(image, GemmBenchmark.random(image.size(), 1));
    w = backend.fromHost(weight, GemmBenchmark.random(weight.size(), 2));
    bias = backend.fromHost(Shape.row(CHANNELS), GemmBenchmark.random(CHANNELS, 3));
    gradOut = backend.fromHost(image, GemmBenchmark.random(image.size(), 4));
    out = backend.zeros(image);
    gradIn = backend.zeros(image);
    gradW = backend.zeros(weight);
    gradB = backend.zeros(Shape.row(CHANNELS));
    int patch = CHANNELS * KERNEL * KERNEL;
    int positions = BATCH * SIZE * SIZE;
    cols =
        backend.fromHost(
            Shape.matrix(patch, positions), GemmBenchmark.random(patch * positions, 5));
    wide =
        backend.fromHost(
            Shape.matrix(CHANNELS, positions), GemmBenchmark.random(CHANNELS * positions, 6));
    smallW =
        backend.fromHost(Shape.matrix(CHANNELS, patch), GemmBenchmark.random(CHANNELS * patch, 7));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    backend.close();
  }

  /** For {@link ConvReport}'s paired run outside JMH. */
  static ConvBenchmark open(int threads) {
    ConvBenchmark b = new ConvBenchmark();
    b.threads = threads;
    b.setUp();
    return b;
  }

  ComputeBackend backend() {
    return backend;
  }

  @Benchmark
  public void convForwardBackward() {
    backend.conv2d(x, w, bias, params, out);
    backend.conv2dBackwardInput(gradOut, w, params, gradIn);
    backend.conv2dBackwardWeight(x, gradOut, params, 0f, gradW, gradB);
  }

  @Benchmark
  public void sgemm1024() {
    backend.gemm(false, false, 1f, sqA, sqB, 0f, sqC);
  }

  @Benchmark
  public void equivalentSgemm() {
    backend.gemm(false, false, 1f, smallW, cols, 0f, wide);
    backend.gemm(true, false, 1f, smallW, wide, 0f, cols);
    backend.gemm(false, true, 1f, wide, cols, 0f, smallW);
  }
}
