package org.mtl4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * Kernels shared between the caller and helper threads ({@link WorkShare}) give bit-for-bit the
 * result of the serial loop, whoever runs which chunk: Adam over sizes below, at and across chunk
 * edges, and every element-wise primitive (and the row gather) that shares its work on shapes above
 * {@link CpuBackend#SHARED_MIN} with a ragged last chunk.
 */
class SharedKernelsTest {
  private static final int[][] SHAPES = {
    {784, 512},
    {1, 512},
    {512, 256},
    {1, 256},
    {256, 10},
    {1, 10},
    {1, 1},
    {3, CpuBackend.WORK_CHUNK + 1}
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

  @Test
  void sharedElementwiseKernelsMatchSerialBitForBit() {
    float[][] serial = elementwise(1);
    for (int threads : new int[] {2, 3}) {
      float[][] shared = elementwise(threads);
      for (int i = 0; i < serial.length; i++) {
        assertArrayEquals(serial[i], shared[i], "threads " + threads + ", result " + i);
      }
    }
  }

  /**
   * Results of every shared element-wise primitive on a 301 x 517 matrix (155,617 floats: 4 full
   * chunks and a ragged one; row broadcasts in 63-row chunks), with NaN, infinities and signed
   * zeros among the inputs.
   */
  private static float[][] elementwise(int threads) {
    int rows = 301;
    int cols = 517;
    assertEquals(true, rows * cols > 2 * CpuBackend.SHARED_MIN);
    try (CpuBackend cpu = new CpuBackend(threads)) {
      SplittableRandom rnd = new SplittableRandom(11);
      Shape shape = Shape.of(rows, cols);
      float[] xa = random(rnd, shape.size());
      float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f};
      for (int i = 0; i < special.length; i++) {
        xa[i * 30_000 + 7] = special[i];
      }
      Tensor x = cpu.fromHost(shape, xa);
      Tensor y = cpu.fromHost(shape, random(rnd, shape.size()));
      Tensor bias = cpu.fromHost(Shape.of(1, cols), random(rnd, cols));
      List<float[]> out = new ArrayList<>();
      for (UnaryOp op : UnaryOp.values()) {
        Tensor f = cpu.zeros(shape);
        cpu.unary(op, x, f);
        out.add(cpu.toHost(f));
        Tensor gi = cpu.zeros(shape);
        cpu.unaryBackward(op, x, f, y, gi);
        out.add(cpu.toHost(gi));
      }
      for (BinaryOp op : BinaryOp.values()) {
        Tensor same = cpu.zeros(shape);
        cpu.binary(op, x, y, same);
        out.add(cpu.toHost(same));
        Tensor row = cpu.zeros(shape);
        cpu.binary(op, x, bias, row);
        out.add(cpu.toHost(row));
      }
      Tensor acc = cpu.fromHost(shape, random(rnd, shape.size()));
      cpu.axpby(0.5f, x, 1.5f, acc);
      out.add(cpu.toHost(acc));
      cpu.axpby(1f, y, 1f, acc);
      out.add(cpu.toHost(acc));
      cpu.axpby(2f, y, 0f, acc);
      out.add(cpu.toHost(acc));
      cpu.fill(acc, -3.25f);
      out.add(cpu.toHost(acc));
      float[] table = random(rnd, 1000 * cols);
      int[] picks = new int[rows];
      for (int i = 0; i < rows; i++) {
        picks[i] = rnd.nextInt(1000);
      }
      Tensor gathered = cpu.zeros(shape);
      cpu.uploadRows(table, picks, gathered);
      float[] expected = new float[shape.size()];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(table, picks[i] * cols, expected, i * cols, cols);
      }
      float[] got = cpu.toHost(gathered);
      assertArrayEquals(expected, got, "uploadRows on " + threads + " threads");
      out.add(got);
      return out.toArray(float[][]::new);
    }
  }

  @Test
  void adamStepNamesANullTensor() {
    try (CpuBackend cpu = new CpuBackend(2)) {
      Tensor p = cpu.persistentZeros(Shape.of(2, 3));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> cpu.adamStep(p, p, null, p, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 1));
      assertEquals("adamStep: m is null", e.getMessage());
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
