package org.mtl4j.backend.cpu;

/**
 * Per-thread staging arrays. The kernels copy a chunk of native memory into these heap arrays with
 * one bulk copy, compute over the arrays (loops the JIT auto-vectorises, which it does not do for
 * element-wise access to a direct buffer: about 3x slower here), and copy the result back. Chunks
 * of {@link #CHUNK} floats keep four arrays within a 32 KiB L1 data cache.
 */
final class Scratch {
  static final int CHUNK = 2048;

  final float[] s0 = new float[CHUNK];
  final float[] s1 = new float[CHUNK];
  final float[] s2 = new float[CHUNK];
  final float[] s3 = new float[CHUNK];
  final int[] i0 = new int[CHUNK];
  final int[] i1 = new int[CHUNK];
  private double[] acc = new double[CHUNK];

  private double[] row = new double[CHUNK];

  private float[] image0 = new float[CHUNK];
  private float[] image1 = new float[CHUNK];
  private float[] image2 = new float[CHUNK];

  /**
   * Float arrays of at least {@code n} values with unspecified contents, for the image kernels (an
   * input plane, an output plane, a row of the im2col matrix); {@code slot} 0, 1 or 2 picks one of
   * three independent arrays. They grow on first use and are then reused.
   */
  float[] image(int slot, int n) {
    switch (slot) {
      case 0 -> {
        if (image0.length < n) {
          image0 = new float[n];
        }
        return image0;
      }
      case 1 -> {
        if (image1.length < n) {
          image1 = new float[n];
        }
        return image1;
      }
      case 2 -> {
        if (image2.length < n) {
          image2 = new float[n];
        }
        return image2;
      }
      default -> throw new IllegalArgumentException("image scratch slot " + slot);
    }
  }

  /** A zeroed double accumulator of at least {@code n} values. */
  double[] accumulator(int n) {
    if (acc.length < n) {
      acc = new double[n];
    } else {
      java.util.Arrays.fill(acc, 0, n, 0.0);
    }
    return acc;
  }

  /** A double array of at least {@code n} values with unspecified contents (one row's terms). */
  double[] row(int n) {
    if (row.length < n) {
      row = new double[n];
    }
    return row;
  }
}
