package org.mtl4j.trainer.data;

import java.util.SplittableRandom;

/**
 * Composes MultiFashion images as in Sener and Koltun, "Multi-Task Learning as Multi-Objective
 * Optimization" (NeurIPS 2018) and Lin et al., "Pareto Multi-Task Learning" (NeurIPS 2019): two
 * items of different classes on a 36x36 canvas, one in the top-left and one in the bottom-right
 * corner, each shifted by up to 4 pixels, overlapping pixels taking the maximum. Deterministic for
 * a seed.
 */
public final class MultiFashionGenerator {
  public static final int SIZE = 36;
  public static final int MAX_SHIFT = 4;

  /** Generated images ({@code count x 36 x 36}, scaled to [0, 1]) and the two items' classes. */
  public record Composites(int count, float[] pixels, float[] left, float[] right) {}

  private MultiFashionGenerator() {}

  public static Composites generate(IdxReader.Images items, byte[] labels, int count, long seed) {
    int side = items.rows();
    if (side != items.cols() || side + 2 * MAX_SHIFT != SIZE) {
      throw new IllegalArgumentException(
          "items must be 28x28, got " + items.rows() + "x" + items.cols());
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int d = SIZE * SIZE;
    float[] px = new float[count * d];
    float[] left = new float[count];
    float[] right = new float[count];
    byte[] src = items.pixels();
    int n = items.count();
    for (int i = 0; i < count; i++) {
      int a = rnd.nextInt(n);
      int b;
      do {
        b = rnd.nextInt(n);
      } while (labels[b] == labels[a]);
      int ay = rnd.nextInt(MAX_SHIFT + 1);
      int ax = rnd.nextInt(MAX_SHIFT + 1);
      int by = 2 * MAX_SHIFT - rnd.nextInt(MAX_SHIFT + 1);
      int bx = 2 * MAX_SHIFT - rnd.nextInt(MAX_SHIFT + 1);
      int base = i * d;
      paste(src, a * side * side, side, px, base, ay, ax);
      paste(src, b * side * side, side, px, base, by, bx);
      left[i] = labels[a];
      right[i] = labels[b];
    }
    return new Composites(count, px, left, right);
  }

  private static void paste(byte[] src, int off, int side, float[] dst, int base, int y0, int x0) {
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        float v = (src[off + y * side + x] & 0xFF) / 255f;
        int p = base + (y0 + y) * SIZE + x0 + x;
        if (v > dst[p]) {
          dst[p] = v;
        }
      }
    }
  }
}
