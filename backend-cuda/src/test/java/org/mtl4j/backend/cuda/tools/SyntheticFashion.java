package org.mtl4j.backend.cuda.tools;

import java.util.Random;

/**
 * A deterministic stand-in for Fashion-MNIST with the same shapes (784 pixels in [0, 1], 10
 * categories, footwear = categories 5, 7 and 9): each category has a random prototype image, a
 * sample is its prototype blended with noise and a quarter of the labels are random, so the model
 * learns it but the loss stays well above zero, as on the real data. Used where the real files are
 * absent (the GPU machine has no data set and no network).
 */
public final class SyntheticFashion {
  public static final int PIXELS = 784;
  public static final int CLASSES = 10;

  private final int size;
  private final float[] images;
  private final float[] labels;

  public SyntheticFashion(int size, long seed) {
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + size);
    }
    this.size = size;
    Random r = new Random(seed);
    float[][] prototypes = new float[CLASSES][PIXELS];
    for (float[] p : prototypes) {
      for (int j = 0; j < PIXELS; j++) {
        p[j] = r.nextFloat();
      }
    }
    images = new float[size * PIXELS];
    labels = new float[size];
    for (int i = 0; i < size; i++) {
      int c = r.nextInt(CLASSES);
      for (int j = 0; j < PIXELS; j++) {
        images[i * PIXELS + j] = 0.3f * prototypes[c][j] + 0.7f * r.nextFloat();
      }
      // a quarter of the labels are noise, so the loss stays well above zero (as on the real data)
      labels[i] = r.nextFloat() < 0.25f ? r.nextInt(CLASSES) : c;
    }
  }

  public int size() {
    return size;
  }

  public static boolean footwear(int category) {
    return category == 5 || category == 7 || category == 9;
  }

  /**
   * Gathers samples {@code order[from .. from + batch)} (indices wrap around the data set) into
   * {@code x [batch, 784]}, {@code category [batch]} and {@code footwear [batch]}.
   */
  public void gather(
      int[] order, int from, int batch, float[] x, float[] category, float[] footwear) {
    for (int b = 0; b < batch; b++) {
      int i = order == null ? (from + b) % size : order[(from + b) % order.length];
      System.arraycopy(images, i * PIXELS, x, b * PIXELS, PIXELS);
      category[b] = labels[i];
      footwear[b] = footwear((int) labels[i]) ? 1f : 0f;
    }
  }
}
