package org.mtl4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.MemoryStats;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.nn.BatchNorm2d;
import org.mtl4j.api.nn.Conv2d;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.Flatten;
import org.mtl4j.api.nn.Init;
import org.mtl4j.api.nn.Linear;
import org.mtl4j.api.nn.MaxPool2d;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.nn.Module;
import org.mtl4j.api.nn.ResidualBlock;
import org.mtl4j.api.nn.Sequential;
import org.mtl4j.api.optim.Adam;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * A small convolutional network (conv, batch norm, ReLU, max pool, a residual block with a
 * projection, flatten, linear) trained on the CPU backend with Adam inside per-step scopes: it
 * learns a task only the image's layout reveals (which half of the image holds the bright blob),
 * and after warm-up the steps ask the system for no native memory and every temporary dies with its
 * scope.
 */
class CpuConvTrainingTest {
  private static final int BATCH = 16;
  private static final int SIZE = 12;
  private static final int STEPS = 120;
  private static final int WARMUP = 5;

  @Test
  void convNetLearnsAndStepsAllocateNoNativeMemory() {
    try (ComputeBackend b = new CpuBackendProvider().create(BackendOptions.defaults())) {
      FeatureShape in = new FeatureShape(1, SIZE, SIZE);
      Conv2d c1 =
          new Conv2d(b, "c1", 1, 4, 3, 3, Conv2dParams.of(1, 1, 1), false, Init.HE_UNIFORM, 1L, 1f);
      BatchNorm2d bn1 = new BatchNorm2d(b, "bn1", 4);
      MaxPool2d pool = new MaxPool2d("pool", Pool2dParams.of(2));
      ResidualBlock res = new ResidualBlock(b, "res", 4, 6, 2, 2L);
      FeatureShape after = res.outputShape(pool.outputShape(c1.outputShape(in)));
      Flatten flat = new Flatten("flat", after);
      Linear head = new Linear(b, "head", after.size(), 2, Init.XAVIER_UNIFORM, 3L);
      List<Module> layers = List.of(c1, bn1, pool, res, flat, head);
      try (Sequential net = new Sequential(layers);
          Adam adam = Adam.defaults(b, 1e-2)) {
        List<Parameter> params = net.parameters();
        Random rnd = new Random(11);
        float[] x = new float[BATCH * SIZE * SIZE];
        float[] y = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
          y[i] = i % 2;
          int cx = (i % 2 == 0 ? 2 : SIZE / 2 + 2) + rnd.nextInt(SIZE / 2 - 4);
          int cy = 2 + rnd.nextInt(SIZE - 4);
          for (int p = 0; p < SIZE * SIZE; p++) {
            int px = p % SIZE;
            int py = p / SIZE;
            double d2 = (px - cx) * (px - cx) + (py - cy) * (py - cy);
            x[i * SIZE * SIZE + p] = (float) (Math.exp(-d2 / 3) + 0.1 * rnd.nextGaussian());
          }
        }
        Tensor xs = b.persistentFromHost(Shape.of(BATCH, 1, SIZE, SIZE), x);
        Tensor ys = b.persistentFromHost(Shape.column(BATCH), y);
        long live = b.memoryStats().liveTensors();
        MemoryStats afterWarmup = null;
        float first = Float.NaN;
        float last = Float.NaN;
        for (int step = 1; step <= STEPS; step++) {
          try (TensorScope s = b.openScope()) {
            Graph g = new Graph(b, step);
            Var loss = g.softmaxCrossEntropy(net.forward(g, g.constant(xs), Mode.TRAIN), ys, null);
            float l = b.scalar(loss.value());
            first = step == 1 ? l : first;
            last = l;
            adam.zeroGrad(params);
            g.backward(loss);
            adam.step(params);
          }
          if (step == 1) {
            // Adam's moments (two per parameter) are created by the first step and persist
            assertEquals(live + 2L * params.size(), b.memoryStats().liveTensors(), "step 1");
            live = b.memoryStats().liveTensors();
          }
          assertEquals(live, b.memoryStats().liveTensors(), "live tensors after step " + step);
          if (step == WARMUP) {
            afterWarmup = b.memoryStats();
          }
        }
        MemoryStats end = b.memoryStats();
        assertEquals(
            afterWarmup.systemAllocations(), end.systemAllocations(), "system allocations");
        assertEquals(afterWarmup.bytesReserved(), end.bytesReserved(), "bytes reserved");
        assertTrue(last < 0.1f * first, "the network must learn: loss " + first + " -> " + last);
        // evaluation uses the running statistics the training steps kept
        try (TensorScope s = b.openScope()) {
          Graph g = new Graph(b, 0);
          Tensor pred = b.allocate(Shape.column(BATCH));
          b.argmaxRows(net.forward(g, g.constant(xs), Mode.EVAL).value(), pred);
          float[] p = b.toHost(pred);
          int correct = 0;
          for (int i = 0; i < BATCH; i++) {
            correct += p[i] == y[i] ? 1 : 0;
          }
          assertTrue(correct >= BATCH - 1, "eval-mode accuracy " + correct + "/" + BATCH);
        }
        xs.close();
        ys.close();
      }
    }
  }
}
