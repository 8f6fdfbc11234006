package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.backend.UnaryOp;

/**
 * Element-wise kernels over native float buffers: binary operations with every broadcast, unary
 * maps and their backward forms, affine maps and axpby. Each stages chunks through {@link Scratch}
 * and runs one tight loop per operation over heap arrays, so the JIT vectorises it.
 */
final class ElementwiseKernels {
  private static final int CH = Scratch.CHUNK;

  private ElementwiseKernels() {}

  // ------------------------------------------------------------------ array loops

  /** {@code x[xo + i] = x[xo + i] (op) y[yo + i]} for {@code i < n}. */
  static void apply(BinaryOp op, float[] x, int xo, float[] y, int yo, int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] += y[yo + i];
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] -= y[yo + i];
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] *= y[yo + i];
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] /= y[yo + i];
        }
      }
      case MAX -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] = Math.max(x[xo + i], y[yo + i]);
        }
      }
      case MIN -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] = Math.min(x[xo + i], y[yo + i]);
        }
      }
    }
  }

  /** {@code x[xo + i] = x[xo + i] (op) s} for {@code i < n}. */
  static void applyScalar(BinaryOp op, float[] x, int xo, float s, int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] += s;
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] -= s;
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] *= s;
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] /= s;
        }
      }
      case MAX -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] = Math.max(x[xo + i], s);
        }
      }
      case MIN -> {
        for (int i = 0; i < n; i++) {
          x[xo + i] = Math.min(x[xo + i], s);
        }
      }
    }
  }

  // ------------------------------------------------------------------ binary with broadcasts

  /** Same shape: {@code o = a (op) b} over elements {@code [from, to)}. */
  static void same(
      BinaryOp op, FloatBuffer a, FloatBuffer b, FloatBuffer o, int from, int to, Scratch s) {
    for (int off = from; off < to; off += CH) {
      int len = Math.min(CH, to - off);
      a.get(off, s.s0, 0, len);
      b.get(off, s.s1, 0, len);
      apply(op, s.s0, 0, s.s1, 0, len);
      o.put(off, s.s0, 0, len);
    }
  }

  /** Scalar: {@code o = a (op) v} over {@code n} elements. */
  static void scalar(BinaryOp op, FloatBuffer a, float v, FloatBuffer o, int n, Scratch s) {
    for (int off = 0; off < n; off += CH) {
      int len = Math.min(CH, n - off);
      a.get(off, s.s0, 0, len);
      applyScalar(op, s.s0, 0, v, len);
      o.put(off, s.s0, 0, len);
    }
  }

  /** Row vector: {@code o[i, j] = a[i, j] (op) b[j]} for rows {@code [rowFrom, rowTo)}. */
  static void row(
      BinaryOp op,
      FloatBuffer a,
      FloatBuffer b,
      FloatBuffer o,
      int rowFrom,
      int rowTo,
      int cols,
      Scratch s) {
    if (cols <= CH) {
      // Tile the row over a whole chunk of rows once, so each chunk is one same-shape loop.
      int per = Math.max(1, Math.min(CH / cols, rowTo - rowFrom));
      int tiled = per * cols;
      b.get(0, s.s1, 0, cols);
      for (int filled = cols; filled < tiled; filled *= 2) {
        System.arraycopy(s.s1, 0, s.s1, filled, Math.min(filled, tiled - filled));
      }
      for (int r0 = rowFrom; r0 < rowTo; r0 += per) {
        int len = Math.min(per, rowTo - r0) * cols;
        int off = r0 * cols;
        a.get(off, s.s0, 0, len);
        apply(op, s.s0, 0, s.s1, 0, len);
        o.put(off, s.s0, 0, len);
      }
      return;
    }
    for (int i = rowFrom; i < rowTo; i++) {
      for (int j0 = 0; j0 < cols; j0 += CH) {
        int len = Math.min(CH, cols - j0);
        a.get(i * cols + j0, s.s0, 0, len);
        b.get(j0, s.s1, 0, len);
        apply(op, s.s0, 0, s.s1, 0, len);
        o.put(i * cols + j0, s.s0, 0, len);
      }
    }
  }

  /** Column vector: {@code o[i, j] = a[i, j] (op) b[i]}. */
  static void column(
      BinaryOp op, FloatBuffer a, FloatBuffer b, FloatBuffer o, int rows, int cols, Scratch s) {
    if (cols <= CH) {
      int per = CH / cols;
      for (int r0 = 0; r0 < rows; r0 += per) {
        int nr = Math.min(per, rows - r0);
        int off = r0 * cols;
        a.get(off, s.s0, 0, nr * cols);
        for (int r = 0; r < nr; r++) {
          applyScalar(op, s.s0, r * cols, b.get(r0 + r), cols);
        }
        o.put(off, s.s0, 0, nr * cols);
      }
      return;
    }
    for (int i = 0; i < rows; i++) {
      float v = b.get(i);
      for (int j0 = 0; j0 < cols; j0 += CH) {
        int len = Math.min(CH, cols - j0);
        a.get(i * cols + j0, s.s0, 0, len);
        applyScalar(op, s.s0, 0, v, len);
        o.put(i * cols + j0, s.s0, 0, len);
      }
    }
  }

  // ------------------------------------------------------------------ unary

  /** {@code o = f(x)} over elements {@code [from, to)}. */
  static void unary(UnaryOp op, FloatBuffer x, FloatBuffer o, int from, int to, Scratch s) {
    float[] v = s.s0;
    for (int off = from; off < to; off += CH) {
      int len = Math.min(CH, to - off);
      x.get(off, v, 0, len);
      unaryChunk(op, v, len);
      o.put(off, v, 0, len);
    }
  }

  private static void unaryChunk(UnaryOp op, float[] v, int n) {
    switch (op) {
      case RELU -> {
        for (int i = 0; i < n; i++) {
          v[i] = Math.max(v[i], 0f);
        }
      }
      case SQUARE -> {
        for (int i = 0; i < n; i++) {
          v[i] = v[i] * v[i];
        }
      }
      case ABS -> {
        for (int i = 0; i < n; i++) {
          v[i] = Math.abs(v[i]);
        }
      }
      case SQRT -> {
        for (int i = 0; i < n; i++) {
          v[i] = (float) Math.sqrt(v[i]);
        }
      }
      case EXP -> {
        for (int i = 0; i < n; i++) {
          v[i] = (float) Math.exp(v[i]);
        }
      }
      case LOG -> {
        for (int i = 0; i < n; i++) {
          v[i] = (float) Math.log(v[i]);
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          v[i] = (float) Math.tanh(v[i]);
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          v[i] = (float) sigmoid(v[i]);
        }
      }
      case GELU -> {
        for (int i = 0; i < n; i++) {
          v[i] = (float) UnaryOp.GELU.apply(v[i]);
        }
      }
    }
  }

  /** The logistic function, computed without overflow for either sign. */
  static double sigmoid(double x) {
    if (x >= 0) {
      return 1.0 / (1.0 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1.0 + e);
  }

  /** {@code gi = go * f'(x)} with {@code y = f(x)}, over elements {@code [from, to)}. */
  static void unaryBackward(
      UnaryOp op,
      FloatBuffer x,
      FloatBuffer y,
      FloatBuffer go,
      FloatBuffer gi,
      int from,
      int to,
      Scratch s) {
    float[] xs = s.s0;
    float[] ys = s.s1;
    float[] gs = s.s2;
    for (int off = from; off < to; off += CH) {
      int len = Math.min(CH, to - off);
      x.get(off, xs, 0, len);
      y.get(off, ys, 0, len);
      go.get(off, gs, 0, len);
      backwardChunk(op, xs, ys, gs, len);
      gi.put(off, gs, 0, len);
    }
  }

  /**
   * ReLU's backward, {@code gi = go * (x > 0 ? 1 : 0)}, on the bit patterns: {@code go} where x is
   * positive (not NaN, not zero), else what {@code go * 0} is ({@code ±0} with go's sign, NaN for
   * an infinite or NaN go). Integer loops vectorise; a float multiply by a converted step does not.
   */
  static void reluBackward(IntBuffer x, IntBuffer go, IntBuffer gi, int from, int to, Scratch s) {
    int[] xs = s.i0;
    int[] gs = s.i1;
    for (int off = from; off < to; off += CH) {
      int len = Math.min(CH, to - off);
      x.get(off, xs, 0, len);
      go.get(off, gs, 0, len);
      for (int i = 0; i < len; i++) {
        int b = xs[i];
        // 1 where 0 < b <= bits(+Inf): sign clear, not +0, not NaN
        int active = ((-b) >>> 31) & ~(b >>> 31) & ~((0x7f800000 - b) >>> 31);
        int keep = -active;
        int g = gs[i];
        int infOrNan = ((((g >>> 23) & 0xff) + 1) >>> 8) & 1;
        int timesZero = (g & 0x80000000) | (-infOrNan & 0x7fc00000);
        gs[i] = (g & keep) | (timesZero & ~keep);
      }
      gi.put(off, gs, 0, len);
    }
  }

  private static void backwardChunk(UnaryOp op, float[] x, float[] y, float[] g, int n) {
    switch (op) {
      case RELU -> {
        // Branch-free step(x) = (x > 0 ? 1 : 0) from the bits of x: a data-dependent branch here
        // mispredicts on half of the elements and was 10-20x slower on random activations.
        for (int i = 0; i < n; i++) {
          int b = Float.floatToRawIntBits(x[i]);
          int positive = ((-b) >>> 31) & ~(b >>> 31); // b > 0: sign clear, not +0
          int notNan = ~((0x7f800000 - b) >>> 31); // b <= +Inf's bits
          g[i] = g[i] * (float) (positive & notNan & 1);
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          double yi = y[i];
          g[i] = (float) (g[i] * (yi * (1.0 - yi)));
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          double yi = y[i];
          g[i] = (float) (g[i] * (1.0 - yi * yi));
        }
      }
      case SQUARE -> {
        // 2x is exact and the product correctly rounded, as in double then rounded.
        for (int i = 0; i < n; i++) {
          g[i] = g[i] * (2f * x[i]);
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          g[i] = (float) (g[i] * op.derivative(x[i], y[i]));
        }
      }
    }
  }

  // ------------------------------------------------------------------ affine maps

  /** {@code o = scale * x + shift}. */
  static void affine(FloatBuffer x, float scale, float shift, FloatBuffer o, int n, Scratch s) {
    float[] v = s.s0;
    for (int off = 0; off < n; off += CH) {
      int len = Math.min(CH, n - off);
      x.get(off, v, 0, len);
      for (int i = 0; i < len; i++) {
        v[i] = (float) ((double) scale * v[i] + shift);
      }
      o.put(off, v, 0, len);
    }
  }

  /**
   * {@code y = alpha * x + beta * y} over elements {@code [from, to)}; with {@code beta == 0} the
   * old {@code y} is ignored.
   */
  static void axpby(
      float alpha, FloatBuffer x, float beta, FloatBuffer y, int from, int to, Scratch s) {
    float[] xs = s.s0;
    float[] ys = s.s1;
    for (int off = from; off < to; off += CH) {
      int len = Math.min(CH, to - off);
      x.get(off, xs, 0, len);
      if (beta == 0f) {
        for (int i = 0; i < len; i++) {
          xs[i] = alpha * xs[i];
        }
      } else if (alpha == 1f && beta == 1f) {
        // gradient accumulation: a float sum of two floats is the correctly rounded double sum,
        // so this is bit-identical to the double path and vectorises at full float width
        y.get(off, ys, 0, len);
        for (int i = 0; i < len; i++) {
          xs[i] += ys[i];
        }
      } else {
        y.get(off, ys, 0, len);
        for (int i = 0; i < len; i++) {
          xs[i] = (float) ((double) alpha * xs[i] + (double) beta * ys[i]);
        }
      }
      y.put(off, xs, 0, len);
    }
  }

  /**
   * Inverted-dropout mask, bit for bit {@code CounterRng.uniform(seed, i) >= p ? 1/(1-p) : 0},
   * without a data-dependent branch: {@code uniform} is {@code k * 2^-24} with {@code k} the top 24
   * bits, so the test is {@code k >= ceil(p * 2^24)} on integers.
   */
  static void dropoutMask(long seed, float p, FloatBuffer mask, int n, Scratch s) {
    float keep = (float) (1.0 / (1.0 - p));
    long threshold = (long) Math.ceil((double) p * 0x1p24);
    float[] v = s.s0;
    for (int off = 0; off < n; off += CH) {
      int len = Math.min(CH, n - off);
      for (int i = 0; i < len; i++) {
        long k = CounterRng.bits(seed, off + i) >>> 40;
        v[i] = keep * (float) (1L - ((k - threshold) >>> 63));
      }
      mask.put(off, v, 0, len);
    }
  }

  /** Sets elements {@code [from, to)} to {@code value}. */
  static void fill(FloatBuffer x, float value, int from, int to, Scratch s) {
    float[] v = s.s0;
    java.util.Arrays.fill(v, 0, Math.min(CH, to - from), value);
    for (int off = from; off < to; off += CH) {
      x.put(off, v, 0, Math.min(CH, to - off));
    }
  }
}
