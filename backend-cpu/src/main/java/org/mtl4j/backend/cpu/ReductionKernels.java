package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Reductions, arg-max and row softmax over native float buffers, accumulating in double as the
 * reference backend does.
 */
final class ReductionKernels {
  private ReductionKernels() {}

  /** {@code o[j] = sum_i x[i, j]}, using {@code acc} (length >= cols) as the accumulator. */
  static void sumRows(FloatBuffer x, int rows, int cols, double[] acc, FloatBuffer o) {
    java.util.Arrays.fill(acc, 0, cols, 0.0);
    for (int i = 0; i < rows; i++) {
      int off = i * cols;
      for (int j = 0; j < cols; j++) {
        acc[j] += x.get(off + j);
      }
    }
    for (int j = 0; j < cols; j++) {
      o.put(j, (float) acc[j]);
    }
  }

  /** {@code o[i] = sum_j x[i, j]}. */
  static void sumCols(FloatBuffer x, int rows, int cols, FloatBuffer o) {
    for (int i = 0; i < rows; i++) {
      double s = 0;
      int off = i * cols;
      for (int j = 0; j < cols; j++) {
        s += x.get(off + j);
      }
      o.put(i, (float) s);
    }
  }

  static double sum(FloatBuffer x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += x.get(i);
    }
    return s;
  }

  static double dot(FloatBuffer a, FloatBuffer b, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      s += (double) a.get(i) * b.get(i);
    }
    return s;
  }

  static double sumSquares(FloatBuffer x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      double v = x.get(i);
      s += v * v;
    }
    return s;
  }

  /** Index of each row's largest element; lowest index on ties; the first NaN wins. */
  static void argmaxRows(FloatBuffer x, int rows, int cols, FloatBuffer o) {
    for (int i = 0; i < rows; i++) {
      int off = i * cols;
      int best = 0;
      float bv = x.get(off);
      for (int j = 1; j < cols && bv == bv; j++) {
        float v = x.get(off + j);
        if (v != v || v > bv) {
          best = j;
          bv = v;
        }
      }
      o.put(i, best);
    }
  }

  /**
   * The log-sum-exp of row {@code x[off, off + cols)}, computed stably; NaN if the row holds a
   * NaN.
   */
  static double logSumExp(FloatBuffer x, int off, int cols) {
    double max = Double.NEGATIVE_INFINITY;
    boolean nan = false;
    for (int j = 0; j < cols; j++) {
      float v = x.get(off + j);
      nan |= v != v;
      max = Math.max(max, v);
    }
    if (nan) {
      return Double.NaN;
    }
    double s = 0;
    for (int j = 0; j < cols; j++) {
      s += Math.exp(x.get(off + j) - max);
    }
    return max + Math.log(s);
  }

  /** Row softmax ({@code log == false}) or log-softmax into {@code o}, which may be {@code x}. */
  static void softmaxRows(FloatBuffer x, int rows, int cols, boolean log, FloatBuffer o) {
    for (int i = 0; i < rows; i++) {
      int off = i * cols;
      double lse = logSumExp(x, off, cols);
      for (int j = 0; j < cols; j++) {
        double l = x.get(off + j) - lse;
        o.put(off + j, (float) (log ? l : Math.exp(l)));
      }
    }
  }
}
