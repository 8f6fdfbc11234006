package org.mtl4j.strategies;

import java.util.SplittableRandom;

/**
 * The synthetic two-task regression data of Ma et al., "Modeling Task Relationships in Multi-task
 * Learning with Multi-gate Mixture-of-Experts", KDD 2018, section 3.2, whose task correlation is
 * controlled by {@code p}:
 *
 * <ol>
 *   <li>orthogonal unit vectors {@code u1, u2 ∈ R^d};
 *   <li>{@code w1 = c·u1}, {@code w2 = c·(p·u1 + √(1 − p²)·u2)};
 *   <li>{@code x ~ N(0, I_d)};
 *   <li>{@code y_i = w_iᵀx + Σ_{j=1..m} sin(α_j w_iᵀx + β_j) + ε_i}, {@code ε_i ~ N(0, 0.01)}.
 * </ol>
 *
 * The direction vectors and the sine parameters α_j, β_j ~ N(0, 1) are drawn once per problem seed;
 * samples are drawn from a separate stream so train and test sets come from the same problem.
 *
 * @param x inputs, row-major {@code [n, d]}
 * @param y1 first task's targets {@code [n]}
 * @param y2 second task's targets {@code [n]}
 */
record MmoeSynthetic(int n, int d, float[] x, float[] y1, float[] y2) {

  /** The problem: w1, w2 and the sine parameters. */
  record Problem(int d, double[] w1, double[] w2, double[] alpha, double[] beta) {
    static Problem of(int d, double c, double p, int m, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      double[] u1 = gaussian(r, d);
      normalise(u1);
      double[] u2 = gaussian(r, d);
      double dot = 0;
      for (int i = 0; i < d; i++) {
        dot += u1[i] * u2[i];
      }
      for (int i = 0; i < d; i++) {
        u2[i] -= dot * u1[i];
      }
      normalise(u2);
      double q = Math.sqrt(1 - p * p);
      double[] w1 = new double[d];
      double[] w2 = new double[d];
      for (int i = 0; i < d; i++) {
        w1[i] = c * u1[i];
        w2[i] = c * (p * u1[i] + q * u2[i]);
      }
      return new Problem(d, w1, w2, gaussian(r, m), gaussian(r, m));
    }

    MmoeSynthetic sample(int n, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      float[] x = new float[n * d];
      float[] y1 = new float[n];
      float[] y2 = new float[n];
      for (int s = 0; s < n; s++) {
        double[] xs = gaussian(r, d);
        double a1 = 0;
        double a2 = 0;
        for (int i = 0; i < d; i++) {
          x[s * d + i] = (float) xs[i];
          a1 += w1[i] * xs[i];
          a2 += w2[i] * xs[i];
        }
        y1[s] = (float) (label(a1) + 0.1 * normal(r));
        y2[s] = (float) (label(a2) + 0.1 * normal(r));
      }
      return new MmoeSynthetic(n, d, x, y1, y2);
    }

    private double label(double a) {
      double y = a;
      for (int j = 0; j < alpha.length; j++) {
        y += Math.sin(alpha[j] * a + beta[j]);
      }
      return y;
    }
  }

  /** Pearson correlation of the two label columns (a sanity figure for p). */
  double labelCorrelation() {
    double m1 = 0;
    double m2 = 0;
    for (int i = 0; i < n; i++) {
      m1 += y1[i];
      m2 += y2[i];
    }
    m1 /= n;
    m2 /= n;
    double c = 0;
    double v1 = 0;
    double v2 = 0;
    for (int i = 0; i < n; i++) {
      c += (y1[i] - m1) * (y2[i] - m2);
      v1 += (y1[i] - m1) * (y1[i] - m1);
      v2 += (y2[i] - m2) * (y2[i] - m2);
    }
    return c / Math.sqrt(v1 * v2);
  }

  private static double[] gaussian(SplittableRandom r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = normal(r);
    }
    return v;
  }

  private static double normal(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static void normalise(double[] v) {
    double s = 0;
    for (double e : v) {
      s += e * e;
    }
    s = Math.sqrt(s);
    for (int i = 0; i < v.length; i++) {
      v[i] /= s;
    }
  }
}
