package org.mtl4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.MemoryStats;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * 10,000 steps of a training-like sequence (two-layer MLP forward, softmax cross-entropy, backward,
 * Adam) inside per-step scopes: after warm-up the backend asks the system for no new native memory
 * and holds a constant amount, and every temporary dies with its scope.
 */
class CpuSteadyStateMemoryTest {
  private static final int STEPS = 10_000;
  private static final int WARMUP = 10;
  private static final int BATCH = 32;
  private static final int IN = 20;
  private static final int HIDDEN = 16;
  private static final int CLASSES = 4;

  @Test
  void steadyStateStepsAllocateNoNativeMemory() {
    try (ComputeBackend b = new CpuBackendProvider().create(BackendOptions.defaults())) {
      Random rnd = new Random(7);
      Tensor w1 = b.fromHost(Shape.matrix(IN, HIDDEN), gaussian(rnd, IN * HIDDEN, 0.3f));
      Tensor b1 = b.zeros(Shape.row(HIDDEN));
      Tensor w2 = b.fromHost(Shape.matrix(HIDDEN, CLASSES), gaussian(rnd, HIDDEN * CLASSES, 0.3f));
      Tensor b2 = b.zeros(Shape.row(CLASSES));
      List<Tensor> params = List.of(w1, b1, w2, b2);
      List<Tensor> ms = params.stream().map(p -> b.zeros(p.shape())).toList();
      List<Tensor> vs = params.stream().map(p -> b.zeros(p.shape())).toList();
      float[] lrs = {1e-2f, 1e-2f, 1e-2f, 1e-2f};

      // A fixed, learnable batch: the class is the arg-max of the first CLASSES features.
      float[] x = gaussian(rnd, BATCH * IN, 1f);
      float[] y = new float[BATCH];
      for (int i = 0; i < BATCH; i++) {
        int best = 0;
        for (int j = 1; j < CLASSES; j++) {
          best = x[i * IN + j] > x[i * IN + best] ? j : best;
        }
        y[i] = best;
      }

      long baselineLive = b.memoryStats().liveTensors();
      MemoryStats afterWarmup = null;
      float firstLoss = Float.NaN;
      float lastLoss = Float.NaN;
      for (int step = 1; step <= STEPS; step++) {
        try (TensorScope scope = b.openScope()) {
          float loss = step(b, x, y, params, ms, vs, lrs, step);
          firstLoss = step == 1 ? loss : firstLoss;
          lastLoss = loss;
          assertEquals(13, scope.liveTensors(), "temporaries of one step");
        }
        assertEquals(
            baselineLive, b.memoryStats().liveTensors(), "live tensors after step " + step);
        if (step == WARMUP) {
          afterWarmup = b.memoryStats();
        }
      }
      MemoryStats end = b.memoryStats();
      System.out.printf(
          "cpu steady state: after warm-up %s, after %d steps %s; loss %.4f -> %.4f%n",
          afterWarmup, STEPS, end, firstLoss, lastLoss);
      assertEquals(afterWarmup.systemAllocations(), end.systemAllocations(), "system allocations");
      assertEquals(afterWarmup.bytesReserved(), end.bytesReserved(), "bytes reserved");
      assertEquals(afterWarmup.bytesInUse(), end.bytesInUse(), "bytes in use between steps");
      assertTrue(
          lastLoss < 0.2f * firstLoss, "training must learn: " + firstLoss + " -> " + lastLoss);
    }
  }

  private static float step(
      ComputeBackend b,
      float[] xHost,
      float[] yHost,
      List<Tensor> p,
      List<Tensor> ms,
      List<Tensor> vs,
      float[] lrs,
      int step) {
    Tensor w1 = p.get(0);
    Tensor b1 = p.get(1);
    Tensor w2 = p.get(2);
    Tensor b2 = p.get(3);
    Tensor x = b.fromHost(Shape.matrix(BATCH, IN), xHost);
    Tensor y = b.fromHost(Shape.column(BATCH), yHost);
    Tensor h = b.allocate(Shape.matrix(BATCH, HIDDEN));
    b.gemm(false, false, 1f, x, w1, 0f, h);
    b.binary(BinaryOp.ADD, h, b1, h);
    Tensor a = b.allocate(h.shape());
    b.unary(UnaryOp.RELU, h, a);
    Tensor z = b.allocate(Shape.matrix(BATCH, CLASSES));
    b.gemm(false, false, 1f, a, w2, 0f, z);
    b.binary(BinaryOp.ADD, z, b2, z);
    Tensor loss = b.allocate(Shape.scalar());
    Tensor gz = b.allocate(z.shape());
    b.softmaxCrossEntropy(z, y, null, loss, gz);
    Tensor gw2 = b.allocate(w2.shape());
    b.gemm(true, false, 1f, a, gz, 0f, gw2);
    Tensor gb2 = b.allocate(b2.shape());
    b.sumRows(gz, gb2);
    Tensor ga = b.allocate(a.shape());
    b.gemm(false, true, 1f, gz, w2, 0f, ga);
    Tensor gh = b.allocate(h.shape());
    b.unaryBackward(UnaryOp.RELU, h, a, ga, gh);
    Tensor gw1 = b.allocate(w1.shape());
    b.gemm(true, false, 1f, x, gh, 0f, gw1);
    Tensor gb1 = b.allocate(b1.shape());
    b.sumRows(gh, gb1);
    b.adamStepAll(
        p, List.of(gw1, gb1, gw2, gb2), ms, vs, lrs, 0.9f, 0.999f, 1e-8f, 0f, false, step);
    return b.scalar(loss);
  }

  private static float[] gaussian(Random rnd, int n, float scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rnd.nextGaussian() * scale;
    }
    return v;
  }
}
