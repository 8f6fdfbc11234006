package org.mtl4j.trainer.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Composes MultiFashion images as in Sener and Koltun, "Multi-Task Learning as Multi-Objective
 * Optimization" (NeurIPS 2018) and Lin et al., "Pareto Multi-Task Learning" (NeurIPS 2019): two
 * items on a 36x36 canvas, one in the top-left and one in the bottom-right corner, overlapping
 * pixels taking the maximum. A {@link Recipe} chooses the placement, the pairing, the output size
 * and the pixel normalisation; {@link Recipe#DEFAULT} is mtl4j's own (random shifts, two different
 * classes, 36x36, pixels in [0, 1]), {@link Recipe#SENER_KOLTUN} the authors' ({@code
 * multi_mnist_loader.py}: every image once as the left item with a random right item, the right
 * item 6 pixels down and right, the canvas resized to 28x28 by nearest neighbour, pixels
 * standardised with MNIST's mean and std). Deterministic for a seed.
 */
public final class MultiFashionGenerator {
  public static final int SIZE = 36;
  public static final int MAX_SHIFT = 4;

  /** The right item's offset under {@link Placement#FIXED} (Sener and Koltun). */
  public static final int FIXED_SHIFT = 6;

  /** Where the two items sit on the 36x36 canvas. */
  public enum Placement {
    /** Left item at (0..4, 0..4), right item at (4..8, 4..8), each offset drawn uniformly. */
    RANDOM,
    /** Left item at (0, 0), right item at (6, 6), as in Sener and Koltun's loader. */
    FIXED
  }

  /** Which images make a composite. */
  public enum Pairing {
    /** Two images drawn at random (with replacement) whose classes differ. */
    DIFFERENT_CLASSES,
    /**
     * Composite i has image i mod n as its left item and a uniformly drawn image (any class, as in
     * Sener and Koltun's loader) as its right item.
     */
    EVERY_IMAGE
  }

  /**
   * How composites are made: placement, pairing, output side ({@code size} x {@code size}, nearest
   * neighbour from 36x36) and normalisation {@code (p - mean) / std} of pixels p in [0, 1].
   */
  public record Recipe(Placement placement, Pairing pairing, int size, float mean, float std) {
    public static final Recipe DEFAULT =
        new Recipe(Placement.RANDOM, Pairing.DIFFERENT_CLASSES, SIZE, 0f, 1f);
    public static final Recipe SENER_KOLTUN =
        new Recipe(Placement.FIXED, Pairing.EVERY_IMAGE, 28, 0.1307f, 0.3081f);

    public Recipe {
      if (size < 1 || size > SIZE) {
        throw new IllegalArgumentException("size must be in [1, 36], got " + size);
      }
      if (!(std > 0f) || !Float.isFinite(mean) || !Float.isFinite(std)) {
        throw new IllegalArgumentException(
            "need a finite mean and std > 0, got " + mean + ", " + std);
      }
    }
  }

  /** Generated images ({@code count x size x size}) and the two items' classes. */
  public record Composites(int count, int size, float[] pixels, float[] left, float[] right) {}

  private MultiFashionGenerator() {}

  public static Composites generate(IdxReader.Images items, byte[] labels, int count, long seed) {
    return generate(items, labels, count, seed, Recipe.DEFAULT);
  }

  public static Composites generate(
      IdxReader.Images items, byte[] labels, int count, long seed, Recipe recipe) {
    int side = items.rows();
    if (side != items.cols() || side + 2 * MAX_SHIFT != SIZE) {
      throw new IllegalArgumentException(
          "items must be 28x28, got " + items.rows() + "x" + items.cols());
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int out = recipe.size();
    int d = out * out;
    float[] px = new float[count * d];
    float[] canvas = new float[SIZE * SIZE];
    int[] index = nearestIndex(out);
    float[] left = new float[count];
    float[] right = new float[count];
    byte[] src = items.pixels();
    int n = items.count();
    for (int i = 0; i < count; i++) {
      int a;
      int b;
      if (recipe.pairing() == Pairing.EVERY_IMAGE) {
        a = i % n;
        b = rnd.nextInt(n);
      } else {
        a = rnd.nextInt(n);
        do {
          b = rnd.nextInt(n);
        } while (labels[b] == labels[a]);
      }
      int ay = 0;
      int ax = 0;
      int by = FIXED_SHIFT;
      int bx = FIXED_SHIFT;
      if (recipe.placement() == Placement.RANDOM) {
        ay = rnd.nextInt(MAX_SHIFT + 1);
        ax = rnd.nextInt(MAX_SHIFT + 1);
        by = 2 * MAX_SHIFT - rnd.nextInt(MAX_SHIFT + 1);
        bx = 2 * MAX_SHIFT - rnd.nextInt(MAX_SHIFT + 1);
      }
      Arrays.fill(canvas, 0f);
      paste(src, a * side * side, side, canvas, ay, ax);
      paste(src, b * side * side, side, canvas, by, bx);
      int base = i * d;
      for (int y = 0; y < out; y++) {
        for (int x = 0; x < out; x++) {
          px[base + y * out + x] =
              (canvas[index[y] * SIZE + index[x]] - recipe.mean()) / recipe.std();
        }
      }
      left[i] = labels[a];
      right[i] = labels[b];
    }
    return new Composites(count, out, px, left, right);
  }

  /**
   * The canvas row (or column) each of {@code out} output rows reads under nearest-neighbour
   * resizing with pixel centres aligned, as PIL's {@code NEAREST} (which the authors' {@code
   * scipy.misc.imresize(..., interp='nearest')} calls): {@code floor((i + 0.5) * 36 / out)}.
   */
  static int[] nearestIndex(int out) {
    int[] idx = new int[out];
    for (int i = 0; i < out; i++) {
      idx[i] = Math.min(SIZE - 1, (int) Math.floor((i + 0.5) * SIZE / out));
    }
    return idx;
  }

  private static void paste(byte[] src, int off, int side, float[] canvas, int y0, int x0) {
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        float v = (src[off + y * side + x] & 0xFF) / 255f;
        int p = (y0 + y) * SIZE + x0 + x;
        if (v > canvas[p]) {
          canvas[p] = v;
        }
      }
    }
  }
}
