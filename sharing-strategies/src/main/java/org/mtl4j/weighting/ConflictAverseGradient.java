package org.mtl4j.weighting;

import org.mtl4j.api.weighting.WeightingStep;

/**
 * CAGrad (Liu, Liu, Jin, Stone and Liu, "Conflict-Averse Gradient Descent for Multi-task Learning",
 * NeurIPS 2021): the update d maximises the worst task's improvement {@code min_i g_i · d} within
 * the ball {@code ‖d − g0‖ ≤ c‖g0‖} around the average gradient g0. As in the paper's code, the
 * dual is solved over the simplex,
 *
 * <pre>
 *   w* = argmin_w  w·G·b + c‖g0‖ · sqrt(w·G·w),   b = 1/T,  G the Gram matrix,
 * </pre>
 *
 * (here by projected gradient descent with backtracking, in place of SciPy's SLSQP), and the update
 * is {@code d = g0 + (c‖g0‖ / ‖g_w‖) g_w} with {@code g_w = Σ w*_t g_t}, divided by {@code 1 + c²}
 * ({@code rescale} 1, the default), {@code 1 + c} (2) or 1 (0). With c = 0 it is the mean gradient.
 */
final class ConflictAverseGradient extends GradientBalancing {
  static final double EPS = 1e-8;
  private static final int MAX_ITERATIONS = 5000;

  private final double c;
  private final int rescale;

  ConflictAverseGradient(int taskCount, boolean repGrad, double c, int rescale) {
    super(taskCount, repGrad, "cagrad");
    this.c = c;
    this.rescale = rescale;
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    return coefficients(gram, c, rescale);
  }

  /** β with {@code d = Σ_t β_t g_t}. */
  static double[] coefficients(double[][] gram, double c, int rescale) {
    int t = gram.length;
    double divisor =
        switch (rescale) {
          case 0 -> 1.0;
          case 1 -> 1.0 + c * c;
          case 2 -> 1.0 + c;
          default ->
              throw new IllegalArgumentException(
                  "cagrad: rescale must be 0, 1 or 2, got " + rescale);
        };
    double[] beta = new double[t];
    java.util.Arrays.fill(beta, 1.0 / t);
    double scale = 0;
    for (int i = 0; i < t; i++) {
      scale = Math.max(scale, gram[i][i]);
    }
    if (c > 0 && scale > 0) {
      double[][] a = new double[t][t];
      double mean = 0;
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          a[i][j] = gram[i][j] / scale;
          mean += a[i][j] / (t * t);
        }
      }
      double radius = c * Math.sqrt(Math.max(mean, 0) + EPS) + EPS;
      double[] w = dual(a, radius);
      double gwNorm = Math.sqrt(Math.max(quadratic(a, w, w), 0));
      double lambda = radius / (gwNorm + EPS);
      for (int i = 0; i < t; i++) {
        beta[i] += lambda * w[i];
      }
    }
    for (int i = 0; i < t; i++) {
      beta[i] /= divisor;
    }
    return beta;
  }

  /** The dual objective {@code w·A·b + radius·sqrt(w·A·w + ε)} with {@code b = 1/T}. */
  static double objective(double[][] a, double[] w, double radius) {
    return meanQuadratic(a, w) + radius * Math.sqrt(Math.max(quadratic(a, w, w), 0) + EPS);
  }

  /** Minimises {@link #objective} over the simplex, starting from the uniform weights. */
  static double[] dual(double[][] a, double radius) {
    int t = a.length;
    double[] w = new double[t];
    java.util.Arrays.fill(w, 1.0 / t);
    double[] ab = new double[t];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        ab[i] += a[i][j] / t;
      }
    }
    double f = objective(a, w, radius);
    double step = 1.0;
    // work arrays for the whole solve: the loop runs up to MAX_ITERATIONS times per training step
    double[] aw = new double[t];
    double[] grad = new double[t];
    double[] y = new double[t];
    double[] work = new double[t];
    for (int iter = 0; iter < MAX_ITERATIONS; iter++) {
      double q = 0;
      for (int i = 0; i < t; i++) {
        aw[i] = 0;
        for (int j = 0; j < t; j++) {
          aw[i] += a[i][j] * w[j];
        }
        q += w[i] * aw[i];
      }
      double root = Math.sqrt(Math.max(q, 0) + EPS);
      for (int i = 0; i < t; i++) {
        grad[i] = ab[i] + radius * aw[i] / root;
      }
      boolean moved = false;
      while (step > 1e-20) {
        for (int i = 0; i < t; i++) {
          y[i] = w[i] - step * grad[i];
        }
        Simplex.projectInPlace(y, work);
        double fy = objective(a, y, radius);
        double lin = 0;
        double dist = 0;
        for (int i = 0; i < t; i++) {
          lin += grad[i] * (y[i] - w[i]);
          dist += (y[i] - w[i]) * (y[i] - w[i]);
        }
        if (fy <= f + lin + dist / (2 * step) + 1e-15) {
          double change = 0;
          for (int i = 0; i < t; i++) {
            change += Math.abs(y[i] - w[i]);
          }
          double[] previous = w;
          w = y;
          y = previous;
          f = fy;
          moved = change > 1e-13;
          step *= 2;
          break;
        }
        step /= 2;
      }
      if (!moved) {
        break;
      }
    }
    return w;
  }

  /** {@code x·A·b} with {@code b = 1/T}, summed in the same order as {@link #quadratic}. */
  private static double meanQuadratic(double[][] a, double[] x) {
    double b = 1.0 / x.length;
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < x.length; j++) {
        s += x[i] * a[i][j] * b;
      }
    }
    return s;
  }

  private static double quadratic(double[][] a, double[] x, double[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < y.length; j++) {
        s += x[i] * a[i][j] * y[j];
      }
    }
    return s;
  }
}
