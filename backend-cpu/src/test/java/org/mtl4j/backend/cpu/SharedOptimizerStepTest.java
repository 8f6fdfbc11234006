package org.mtl4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * Adam shared between the caller and a helper thread ({@link WorkShare}) gives bit-for-bit the
 * update of the serial loop, whoever runs which chunk: sizes below, at and across chunk edges.
 */
class SharedOptimizerStepTest {
  private static final int[][] SHAPES = {
    {784, 512}, {1, 512}, {512, 256}, {1, 256}, {256, 10}, {1, 10}, {1, 1}, {3, CpuBackend.WORK_CHUNK + 1}
  };

  @Test
  void sharedAdamMatchesSerialAdamBitForBit() {
    float[][] serial = train(1);
    float[][] shared = train(2);
    assertEquals(serial.length, shared.length);
    for (int i = 0; i < serial.length; i++) {
      assertArrayEquals(serial[i], shared[i], "tensor " + i);
    }
  }

  @Test
  void fourThreadsMatchOneThread() {
    float[][] serial = train(1);
    float[][] shared = train(4);
    for (int i = 0; i < serial.length; i++) {
      assertArrayEquals(serial[i], shared[i], "tensor " + i);
    }
  }

  /** Params, m and v after 20 AdamW steps with fresh random gradients, on {@code threads}. */
  private static float[][] train(int threads) {
    try (CpuBackend cpu = new CpuBackend(threads)) {
      SplittableRandom rnd = new SplittableRandom(7);
      List<Tensor> p = new ArrayList<>();
      List<Tensor> g = new ArrayList<>();
      List<Tensor> m = new ArrayList<>();
      List<Tensor> v = new ArrayList<>();
      float[] lrs = new float[SHAPES.length];
      for (int i = 0; i < SHAPES.length; i++) {
        Shape s = Shape.of(SHAPES[i][0], SHAPES[i][1]);
        p.add(cpu.persistentFromHost(s, random(rnd, s.size())));
        g.add(cpu.allocatePersistent(s));
        m.add(cpu.persistentZeros(s));
        v.add(cpu.persistentZeros(s));
        lrs[i] = 1e-3f * (i + 1);
      }
      for (int step = 1; step <= 20; step++) {
        for (Tensor t : g) {
          cpu.upload(random(rnd, t.shape().size()), t);
        }
        cpu.adamStepAll(p, g, m, v, lrs, 0.9f, 0.999f, 1e-8f, 0.01f, true, step);
      }
      List<float[]> out = new ArrayList<>();
      for (List<Tensor> l : List.of(p, m, v)) {
        for (Tensor t : l) {
          out.add(cpu.toHost(t));
        }
      }
      return out.toArray(float[][]::new);
    }
  }

  private static float[] random(SplittableRandom rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
    return a;
  }
}
