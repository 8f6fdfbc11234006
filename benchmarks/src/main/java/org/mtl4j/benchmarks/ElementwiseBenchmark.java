package org.mtl4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
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
 * The non-gemm primitives of one training step of the reference model (784-512-256 trunk, batch
 * 256) on the {@code cpu} backend: bias add, ReLU and its backward on a 256x512 activation, the
 * bias gradient (sum of rows), one Adam step over the 784x512 weight, softmax cross-entropy on
 * 256x10 logits, and a per-step scope with one temporary.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ElementwiseBenchmark {
  private ComputeBackend backend;
  private Tensor h;
  private Tensor bias;
  private Tensor act;
  private Tensor grad;
  private Tensor biasGrad;
  private Tensor w;
  private Tensor gw;
  private Tensor m;
  private Tensor v;
  private Tensor logits;
  private Tensor labels;
  private Tensor loss;
  private Tensor gradLogits;
  private int step;

  @Setup(Level.Trial)
  public void setUp() {
    backend = Backends.discover().select("cpu").provider().create(BackendOptions.defaults());
    h = backend.fromHost(Shape.matrix(256, 512), GemmBenchmark.random(256 * 512, 1));
    bias = backend.fromHost(Shape.row(512), GemmBenchmark.random(512, 2));
    act = backend.zeros(Shape.matrix(256, 512));
    grad = backend.fromHost(Shape.matrix(256, 512), GemmBenchmark.random(256 * 512, 3));
    biasGrad = backend.zeros(Shape.row(512));
    w = backend.fromHost(Shape.matrix(784, 512), GemmBenchmark.random(784 * 512, 4));
    gw = backend.fromHost(Shape.matrix(784, 512), GemmBenchmark.random(784 * 512, 5));
    m = backend.zeros(w.shape());
    v = backend.zeros(w.shape());
    logits = backend.fromHost(Shape.matrix(256, 10), GemmBenchmark.random(2560, 6));
    float[] y = new float[256];
    for (int i = 0; i < y.length; i++) {
      y[i] = i % 10;
    }
    labels = backend.fromHost(Shape.column(256), y);
    loss = backend.zeros(Shape.scalar());
    gradLogits = backend.zeros(logits.shape());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    backend.close();
  }

  @Benchmark
  public void biasAddRow256x512() {
    backend.binary(BinaryOp.ADD, h, bias, act);
  }

  @Benchmark
  public void relu256x512() {
    backend.unary(UnaryOp.RELU, h, act);
  }

  @Benchmark
  public void reluBackward256x512() {
    backend.unaryBackward(UnaryOp.RELU, h, act, grad, act);
  }

  @Benchmark
  public void sumRows256x512() {
    backend.sumRows(grad, biasGrad);
  }

  @Benchmark
  public void adam784x512() {
    backend.adamStep(w, gw, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, ++step);
  }

  @Benchmark
  public void softmaxCrossEntropy256x10() {
    backend.softmaxCrossEntropy(logits, labels, null, loss, gradLogits);
  }

  @Benchmark
  public void scopeWithOneTemporary() {
    try (TensorScope s = backend.openScope()) {
      backend.allocate(Shape.matrix(256, 512));
    }
  }
}
