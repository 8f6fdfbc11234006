package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.UnaryOp;

/**
 * Element-wise loops over native float buffers: binary operations (vector and scalar forms, from
 * which every broadcast is built), unary maps and their backward forms, affine maps and axpby. One
 * tight loop per operation, so the JIT compiles each without a per-element switch.
 */
final class ElementwiseKernels {
  private ElementwiseKernels() {}

  /** {@code o[oo + i] = a[ao + i] (op) b[bo + i]} for {@code i < n}. */
  static void vector(
      BinaryOp op, FloatBuffer a, int ao, FloatBuffer b, int bo, FloatBuffer o, int oo, int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, a.get(ao + i) + b.get(bo + i));
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, a.get(ao + i) - b.get(bo + i));
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, a.get(ao + i) * b.get(bo + i));
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, a.get(ao + i) / b.get(bo + i));
        }
      }
      case MAX -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, Math.max(a.get(ao + i), b.get(bo + i)));
        }
      }
      case MIN -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, Math.min(a.get(ao + i), b.get(bo + i)));
        }
      }
    }
  }

  /** {@code o[oo + i] = a[ao + i] (op) s} for {@code i < n}. */
  static void scalar(BinaryOp op, FloatBuffer a, int ao, float s, FloatBuffer o, int oo, int n) {
    switch (op) {
      case ADD -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, a.get(ao + i) + s);
        }
      }
      case SUB -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, a.get(ao + i) - s);
        }
      }
      case MUL -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, a.get(ao + i) * s);
        }
      }
      case DIV -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, a.get(ao + i) / s);
        }
      }
      case MAX -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, Math.max(a.get(ao + i), s));
        }
      }
      case MIN -> {
        for (int i = 0; i < n; i++) {
          o.put(oo + i, Math.min(a.get(ao + i), s));
        }
      }
    }
  }

  /** {@code o = f(x)} over {@code n} elements. */
  static void unary(UnaryOp op, FloatBuffer x, FloatBuffer o, int n) {
    switch (op) {
      case RELU -> {
        for (int i = 0; i < n; i++) {
          o.put(i, Math.max(x.get(i), 0f));
        }
      }
      case SQUARE -> {
        for (int i = 0; i < n; i++) {
          float v = x.get(i);
          o.put(i, v * v);
        }
      }
      case ABS -> {
        for (int i = 0; i < n; i++) {
          o.put(i, Math.abs(x.get(i)));
        }
      }
      case SQRT -> {
        for (int i = 0; i < n; i++) {
          o.put(i, (float) Math.sqrt(x.get(i)));
        }
      }
      case EXP -> {
        for (int i = 0; i < n; i++) {
          o.put(i, (float) Math.exp(x.get(i)));
        }
      }
      case LOG -> {
        for (int i = 0; i < n; i++) {
          o.put(i, (float) Math.log(x.get(i)));
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          o.put(i, (float) Math.tanh(x.get(i)));
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          o.put(i, (float) sigmoid(x.get(i)));
        }
      }
      case GELU -> {
        for (int i = 0; i < n; i++) {
          o.put(i, (float) op.apply(x.get(i)));
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

  /** {@code gi = go * f'(x)} with {@code y = f(x)}, over {@code n} elements. */
  static void unaryBackward(
      UnaryOp op, FloatBuffer x, FloatBuffer y, FloatBuffer go, FloatBuffer gi, int n) {
    switch (op) {
      case RELU -> {
        for (int i = 0; i < n; i++) {
          gi.put(i, go.get(i) * (x.get(i) > 0f ? 1f : 0f));
        }
      }
      case SIGMOID -> {
        for (int i = 0; i < n; i++) {
          double yi = y.get(i);
          gi.put(i, (float) (go.get(i) * (yi * (1.0 - yi))));
        }
      }
      case TANH -> {
        for (int i = 0; i < n; i++) {
          double yi = y.get(i);
          gi.put(i, (float) (go.get(i) * (1.0 - yi * yi)));
        }
      }
      default -> {
        for (int i = 0; i < n; i++) {
          gi.put(i, (float) (go.get(i) * op.derivative(x.get(i), y.get(i))));
        }
      }
    }
  }

  /** {@code o = scale * x + shift}. */
  static void affine(FloatBuffer x, float scale, float shift, FloatBuffer o, int n) {
    for (int i = 0; i < n; i++) {
      o.put(i, (float) ((double) scale * x.get(i) + shift));
    }
  }

  /** {@code y = alpha * x + beta * y}; with {@code beta == 0} the old {@code y} is ignored. */
  static void axpby(float alpha, FloatBuffer x, float beta, FloatBuffer y, int n) {
    if (beta == 0f) {
      for (int i = 0; i < n; i++) {
        y.put(i, alpha * x.get(i));
      }
    } else {
      for (int i = 0; i < n; i++) {
        y.put(i, (float) ((double) alpha * x.get(i) + (double) beta * y.get(i)));
      }
    }
  }
}
