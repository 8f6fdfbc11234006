package org.mtl4j.weighting;

/**
 * Eigenvalues and eigenvectors of a small symmetric matrix by the cyclic Jacobi method (Golub and
 * Van Loan, "Matrix Computations", §8.5): plane rotations annihilate the off-diagonal entries until
 * their norm is negligible, with a bounded number of sweeps. Work arrays belong to the instance:
 * decomposing allocates nothing. Used for Aligned-MTL's Gram matrix and the trace-norm coupling of
 * soft sharing ({@code org.mtl4j.strategies.Coupling}).
 */
public final class SymmetricEigen {
  /** The bound on Jacobi sweeps of one decomposition. */
  public static final int MAX_SWEEPS = 64;

  private final double[][] a;
  private final double[][] v;
  private final double[] values;
  private int sweeps;

  /** Work arrays for {@code n x n} matrices. */
  public SymmetricEigen(int n) {
    a = new double[n][n];
    v = new double[n][n];
    values = new double[n];
  }

  /**
   * Decomposes {@code m = V diag(values) V^T}; read the results with {@link #value} and {@link
   * #vector}.
   *
   * @return true when the off-diagonal norm became negligible within {@link #MAX_SWEEPS}
   */
  public boolean decompose(double[][] m) {
    int n = values.length;
    double scale = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i][j] = m[i][j];
        v[i][j] = i == j ? 1 : 0;
        scale += m[i][j] * m[i][j];
      }
    }
    boolean converged = false;
    for (sweeps = 0; sweeps < MAX_SWEEPS; sweeps++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off <= 1e-30 * scale || off == 0) {
        converged = true;
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (a[p][q] != 0) {
            rotate(p, q);
          }
        }
      }
    }
    for (int i = 0; i < n; i++) {
      values[i] = a[i][i];
    }
    return converged;
  }

  /** Zeroes {@code a[p][q]} by a Jacobi rotation, accumulating it into V. */
  private void rotate(int p, int q) {
    int n = values.length;
    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
    if (theta == 0) {
      t = 1;
    }
    double c = 1 / Math.sqrt(t * t + 1);
    double s = t * c;
    for (int k = 0; k < n; k++) {
      double akp = a[k][p];
      double akq = a[k][q];
      a[k][p] = c * akp - s * akq;
      a[k][q] = s * akp + c * akq;
    }
    for (int k = 0; k < n; k++) {
      double apk = a[p][k];
      double aqk = a[q][k];
      a[p][k] = c * apk - s * aqk;
      a[q][k] = s * apk + c * aqk;
    }
    for (int k = 0; k < n; k++) {
      double vkp = v[k][p];
      double vkq = v[k][q];
      v[k][p] = c * vkp - s * vkq;
      v[k][q] = s * vkp + c * vkq;
    }
  }

  /** Sweeps of the last decomposition. */
  public int sweeps() {
    return sweeps;
  }

  /** The i-th eigenvalue (unordered). */
  public double value(int i) {
    return values[i];
  }

  /** Component k of the i-th eigenvector (unit length). */
  public double vector(int i, int k) {
    return v[k][i];
  }
}
