package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Reductions, arg-max and row softmax over native float buffers, accumulating in double as the
 * reference backend does.
 */
final class ReductionKernels {
  private ReductionKernels() {}

  private static final int CH = Scratch.CHUNK;

  /** {@code o[j] = sum_i x[i, j]}, accumulated in double. */
  static void sumRows(FloatBuffer x, int rows, int cols, FloatBuffer o, Scratch s) {
    double[] acc = s.accumulator(cols);
    float[] v = s.s0;
    if (cols <= CH) {
      int per = CH / cols;
      for (int r0 = 0; r0 < rows; r0 += per) {
        int nr = Math.min(per, rows - r0);
        x.get(r0 * cols, v, 0, nr * cols);
        for (int r = 0; r < nr; r++) {
          int off = r * cols;
          for (int j = 0; j < cols; j++) {
            acc[j] += v[off + j];
          }
        }
      }
    } else {
      for (int i = 0; i < rows; i++) {
        for (int j0 = 0; j0 < cols; j0 += CH) {
          int len = Math.min(CH, cols - j0);
          x.get(i * cols + j0, v, 0, len);
          for (int j = 0; j < len; j++) {
            acc[j0 + j] += v[j];
          }
        }
      }
    }
    for (int j0 = 0; j0 < cols; j0 += CH) {
      int len = Math.min(CH, cols - j0);
      for (int j = 0; j < len; j++) {
        v[j] = (float) acc[j0 + j];
      }
      o.put(j0, v, 0, len);
    }
  }

  /** {@code o[i] = sum_j x[i, j]}, accumulated in double. */
  static void sumCols(FloatBuffer x, int rows, int cols, FloatBuffer o, Scratch s) {
    double[] sums = s.accumulator(rows);
    float[] v = s.s0;
    for (int i = 0; i < rows; i++) {
      double t = 0;
      for (int j0 = 0; j0 < cols; j0 += CH) {
        int len = Math.min(CH, cols - j0);
        x.get(i * cols + j0, v, 0, len);
        t += sum(v, len);
      }
      sums[i] = t;
    }
    for (int i0 = 0; i0 < rows; i0 += CH) {
      int len = Math.min(CH, rows - i0);
      for (int i = 0; i < len; i++) {
        v[i] = (float) sums[i0 + i];
      }
      o.put(i0, v, 0, len);
    }
  }

  /** Sum of {@code v[0, n)} in double, with four independent accumulators. */
  static double sum(float[] v, int n) {
    double a0 = 0;
    double a1 = 0;
    double a2 = 0;
    double a3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      a0 += v[i];
      a1 += v[i + 1];
      a2 += v[i + 2];
      a3 += v[i + 3];
    }
    for (; i < n; i++) {
      a0 += v[i];
    }
    return (a0 + a1) + (a2 + a3);
  }

  static double sum(FloatBuffer x, int n, Scratch s) {
    double t = 0;
    for (int off = 0; off < n; off += CH) {
      int len = Math.min(CH, n - off);
      x.get(off, s.s0, 0, len);
      t += sum(s.s0, len);
    }
    return t;
  }

  static double dot(FloatBuffer a, FloatBuffer b, int n, Scratch s) {
    double t = 0;
    float[] x = s.s0;
    float[] y = s.s1;
    for (int off = 0; off < n; off += CH) {
      int len = Math.min(CH, n - off);
      a.get(off, x, 0, len);
      b.get(off, y, 0, len);
      double a0 = 0;
      double a1 = 0;
      double a2 = 0;
      double a3 = 0;
      int i = 0;
      for (; i + 3 < len; i += 4) {
        a0 += (double) x[i] * y[i];
        a1 += (double) x[i + 1] * y[i + 1];
        a2 += (double) x[i + 2] * y[i + 2];
        a3 += (double) x[i + 3] * y[i + 3];
      }
      for (; i < len; i++) {
        a0 += (double) x[i] * y[i];
      }
      t += (a0 + a1) + (a2 + a3);
    }
    return t;
  }

  static double sumSquares(FloatBuffer x, int n, Scratch s) {
    double t = 0;
    float[] v = s.s0;
    for (int off = 0; off < n; off += CH) {
      int len = Math.min(CH, n - off);
      x.get(off, v, 0, len);
      double a0 = 0;
      double a1 = 0;
      double a2 = 0;
      double a3 = 0;
      int i = 0;
      for (; i + 3 < len; i += 4) {
        a0 += (double) v[i] * v[i];
        a1 += (double) v[i + 1] * v[i + 1];
        a2 += (double) v[i + 2] * v[i + 2];
        a3 += (double) v[i + 3] * v[i + 3];
      }
      for (; i < len; i++) {
        a0 += (double) v[i] * v[i];
      }
      t += (a0 + a1) + (a2 + a3);
    }
    return t;
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

  /** The largest element of row {@code x[off, off + cols)}, or NaN if the row holds a NaN. */
  static double rowMax(FloatBuffer x, int off, int cols) {
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < cols; j++) {
      float v = x.get(off + j);
      if (v != v) {
        return Double.NaN;
      }
      max = Math.max(max, v);
    }
    return max;
  }

  /** Fills {@code e[j] = exp(x[off + j] - max)} and returns their sum. */
  static double expRow(FloatBuffer x, int off, int cols, double max, double[] e) {
    double s = 0;
    for (int j = 0; j < cols; j++) {
      double t = Math.exp(x.get(off + j) - max);
      e[j] = t;
      s += t;
    }
    return s;
  }

  /**
   * Row softmax ({@code log == false}) or log-softmax into {@code o}, which may be {@code x},
   * computed stably (max subtracted) with one exponential per element.
   */
  static void softmaxRows(
      FloatBuffer x, int rows, int cols, boolean log, FloatBuffer o, Scratch s) {
    double[] e = s.row(cols);
    for (int i = 0; i < rows; i++) {
      int off = i * cols;
      double max = rowMax(x, off, cols);
      if (max != max) {
        for (int j = 0; j < cols; j++) {
          o.put(off + j, Float.NaN);
        }
        continue;
      }
      double sum = expRow(x, off, cols, max, e);
      if (log) {
        double lse = max + Math.log(sum);
        for (int j = 0; j < cols; j++) {
          o.put(off + j, (float) (x.get(off + j) - lse));
        }
      } else {
        double inv = 1.0 / sum;
        for (int j = 0; j < cols; j++) {
          o.put(off + j, (float) (e[j] * inv));
        }
      }
    }
  }
}
