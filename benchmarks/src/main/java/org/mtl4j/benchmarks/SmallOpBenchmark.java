package org.mtl4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.BinaryOp;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-call overhead of a small element-wise op on the {@code cpu} backend: in-place add on 256x10
 * (the size of a classification head's logits; PyTorch's {@code add_} takes about 0.8 us here),
 * same-shape and with a bias row broadcast.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmallOpBenchmark {
  private ComputeBackend backend;
  private Tensor a;
  private Tensor b;
  private Tensor bias;

  @Setup(Level.Trial)
  public void setUp() {
    backend = Backends.discover().select("cpu").provider().create(BackendOptions.defaults());
    a = backend.fromHost(Shape.matrix(256, 10), GemmBenchmark.random(2560, 3));
    b = backend.fromHost(Shape.matrix(256, 10), GemmBenchmark.random(2560, 4));
    bias = backend.fromHost(Shape.row(10), GemmBenchmark.random(10, 5));
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    backend.close();
  }

  @Benchmark
  public void addSameShape256x10() {
    backend.binary(BinaryOp.ADD, a, b, a);
  }

  @Benchmark
  public void addBiasRow256x10() {
    backend.binary(BinaryOp.ADD, a, bias, a);
  }
}
