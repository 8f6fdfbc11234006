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
