package org.mtl4j.weighting;

import java.util.Arrays;
import java.util.List;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * IMTL-G and the hybrid IMTL (Liu, Li, Kuang, Xue, Chen, Yang, Liao and Zhang, "Towards Impartial
 * Multi-task Learning", ICLR 2021, §3.1 and Algorithm 1). IMTL-G combines the task gradients into
 * {@code g = Σ_t α_t g_t} with {@code Σ α_t = 1} whose projections onto every task's unit gradient
 * u_t are equal, {@code g·u_1 = g·u_t}; the closed form (their eq. 9) is
 *
 * <pre>
 *   α_{2..T} = g_1 U^T (D U^T)^{-1},  α_1 = 1 − Σ_{t>=2} α_t,
 *   D rows g_1 − g_t,  U rows u_1 − u_t,
 * </pre>
 *
 * computed here from the Gram matrix ({@code g_i·u_j = G_ij / ‖g_j‖}) by Gaussian elimination with
 * partial pivoting. When {@code D U^T} is singular (for instance identical gradients, where every α
 * with Σ α = 1 is impartial) the weights are 1/T. The hybrid (the paper's IMTL, default) applies
 * IMTL-G to the gradients of the IMTL-L scaled losses {@code e^{s_t} L_t − s_t} ({@link
 * ImtlLossScales}); task-specific parameters and the scales receive their own scaled loss's
 * gradient. The paper computes IMTL-G on the shared representation's gradients ({@code rep_grad}).
 */
final class ImpartialGradient extends GradientBalancing {
  static final double SINGULAR = 1e-12;

  private final ImtlLossScales scales;
  private final double[][] m;
  private final double[] rhs;
  private final double[] norms;

  /**
   * @param scales IMTL-L's scales for the hybrid, or null for IMTL-G alone
   */
  ImpartialGradient(int taskCount, boolean repGrad, ImtlLossScales scales) {
    super(taskCount, repGrad, "imtl");
    this.scales = scales;
    int k = Math.max(taskCount - 1, 1);
    this.m = new double[k][k];
    this.rhs = new double[k];
    this.norms = new double[taskCount];
  }

  @Override
  public List<Parameter> parameters() {
    return scales == null ? List.of() : scales.parameters();
  }

  @Override
  List<Parameter> parametersOf(int task) {
    return scales == null ? List.of() : List.of(scales.parameters().get(task));
  }

  @Override
  List<Var> objectives(WeightingStep step) {
    return scales == null ? step.losses() : scales.scaledLosses(step);
  }

  @Override
  double[] reportedWeights(double[] alpha) {
    if (scales == null) {
      return alpha;
    }
    double[] f = scales.factors();
    double[] w = new double[alpha.length];
    for (int t = 0; t < w.length; t++) {
      w[t] = alpha[t] * f[t];
    }
    return w;
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    return coefficients(gram);
  }

  /** The IMTL-G weights α for the Gram matrix of the (scaled-loss) gradients. */
  double[] coefficients(double[][] gram) {
    int t = gram.length;
    double[] alpha = new double[t];
    if (t == 1) {
      alpha[0] = 1;
      return alpha;
    }
    double scale = 0;
    for (int i = 0; i < t; i++) {
      norms[i] = Math.sqrt(Math.max(gram[i][i], 0));
      scale = Math.max(scale, gram[i][i]);
    }
    boolean singular = scale <= 0;
    for (int i = 0; i < t && !singular; i++) {
      singular = norms[i] <= 0;
    }
    if (!singular) {
      // M[k][j] = (D U^T)[j][k] = (g_1 − g_{j+1}) · (u_1 − u_{k+1}); solve M α' = r (transposed)
      for (int j = 1; j < t; j++) {
        for (int k = 1; k < t; k++) {
          m[k - 1][j - 1] =
              dotGu(gram, 0, 0) - dotGu(gram, 0, k) - dotGu(gram, j, 0) + dotGu(gram, j, k);
        }
      }
      for (int k = 1; k < t; k++) {
        rhs[k - 1] = dotGu(gram, 0, 0) - dotGu(gram, 0, k);
      }
      singular = !solveInPlace(m, rhs, t - 1, SINGULAR * Math.sqrt(scale));
    }
    if (singular) {
      Arrays.fill(alpha, 1.0 / t);
      return alpha;
    }
    double rest = 0;
    for (int k = 1; k < t; k++) {
      alpha[k] = rhs[k - 1];
      rest += rhs[k - 1];
    }
    alpha[0] = 1 - rest;
    return alpha;
  }

  /** {@code g_i · u_j}. */
  private double dotGu(double[][] gram, int i, int j) {
    return gram[i][j] / norms[j];
  }

  /**
   * Solves {@code a x = b} (first n rows and columns) in place by Gaussian elimination with partial
   * pivoting; x replaces b. False when a pivot is below {@code tiny}.
   */
  static boolean solveInPlace(double[][] a, double[] b, int n, double tiny) {
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
          p = r;
        }
      }
      if (!(Math.abs(a[p][c]) > tiny)) {
        return false;
      }
      if (p != c) {
        double[] row = a[p];
        a[p] = a[c];
        a[c] = row;
        double v = b[p];
        b[p] = b[c];
        b[c] = v;
      }
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        if (f != 0) {
          for (int k = c; k < n; k++) {
            a[r][k] -= f * a[c][k];
          }
          b[r] -= f * b[c];
        }
      }
    }
    for (int r = n - 1; r >= 0; r--) {
      double s = b[r];
      for (int k = r + 1; k < n; k++) {
        s -= a[r][k] * b[k];
      }
      b[r] = s / a[r][r];
    }
    return true;
  }

  @Override
  public void close() {
    if (scales != null) {
      scales.close();
    }
  }
}
