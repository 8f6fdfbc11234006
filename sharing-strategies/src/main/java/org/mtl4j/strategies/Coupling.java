package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.weighting.SymmetricEigen;

/**
 * How soft sharing couples the corresponding weight matrices {@code W_1 … W_T} of one layer across
 * the T task columns. Each returns a {@code [1, 1]} var on the graph, differentiable with respect
 * to every {@code W_t}.
 */
enum Coupling {
  /**
   * {@code Σ_t ‖W_t − W̄‖²_F} with {@code W̄ = (1/T) Σ_t W_t}: the squared L2 distance of each
   * task's weights to the across-task mean (Duong et al. 2015 for two tasks, where it is half the
   * pairwise distance).
   */
  L2_MEAN {
    @Override
    Var apply(Graph g, List<Var> w) {
      Var mean = g.scale(g.sumOf(w), 1f / w.size());
      List<Var> terms = new ArrayList<>();
      for (Var wt : w) {
        terms.add(g.sum(g.square(g.sub(wt, mean))));
      }
      return g.sumOf(terms);
    }
  },
  /** {@code Σ_{s<t} ‖W_s − W_t‖²_F}: the pairwise squared L2 distance (Duong et al. 2015). */
  L2_PAIRWISE {
    @Override
    Var apply(Graph g, List<Var> w) {
      List<Var> terms = new ArrayList<>();
      for (int s = 0; s < w.size(); s++) {
        for (int t = s + 1; t < w.size(); t++) {
          terms.add(g.sum(g.square(g.sub(w.get(s), w.get(t)))));
        }
      }
      return terms.isEmpty() ? g.scale(g.sum(w.get(0)), 0f) : g.sumOf(terms);
    }
  },
  /**
   * The trace (nuclear) norm {@code ‖S‖_*} of the stacked matrix {@code S = [vec(W_1); …;
   * vec(W_T)]} ({@code T × in·out}): the tensor trace norm of Yang and Hospedales, "Trace Norm
   * Regularised Deep Multi-Task Learning", ICLR workshop 2017, in its task-mode (matrix) unfolding.
   *
   * <p>The Gram matrix {@code G = S Sᵀ} ({@code G_st = ⟨W_s, W_t⟩}, T×T) is eigen-decomposed on the
   * host, {@code G = Σ_i λ_i v_i v_iᵀ}, so {@code ‖S‖_* = Σ_i √λ_i}. On the graph each term is
   * recorded as the square root of a Rayleigh quotient with the eigenvector held constant, {@code
   * √(‖Σ_t v_ti W_t‖²_F / ‖v_i‖²)}: its value is {@code √λ_i}, and since {@code ∂λ_i/∂G = v_i v_iᵀ}
   * its derivative equals that of the true eigenvalue, giving {@code ∂‖S‖_* / ∂S = G^{-1/2} S = U
   * Vᵀ} for {@code S = U Σ Vᵀ}, the exact gradient wherever S has full row rank. A Rayleigh
   * quotient is stationary at an eigenvector, so rounding the eigenvector to float changes the
   * value only to second order. Eigenvalues below {@link #RANK_TOLERANCE} times the largest count
   * as zero and are left out, which where S is rank-deficient gives the minimum-norm subgradient
   * {@code U Vᵀ} over the non-zero singular values; no smoothing constant is used.
   */
  TRACE_NORM {
    @Override
    Var apply(Graph g, List<Var> w) {
      ComputeBackend b = g.backend();
      int n = w.size();
      double[][] gram = new double[n][n];
      for (int s = 0; s < n; s++) {
        for (int t = s; t < n; t++) {
          gram[s][t] = b.dot(w.get(s).value(), w.get(t).value());
          gram[t][s] = gram[s][t];
        }
      }
      SymmetricEigen eig = new SymmetricEigen(n);
      eig.decompose(gram);
      double max = 0;
      for (int i = 0; i < n; i++) {
        max = Math.max(max, eig.value(i));
      }
      List<Var> roots = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!(eig.value(i) > RANK_TOLERANCE * max)) {
          continue;
        }
        float[] v = new float[n];
        List<Var> combination = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
          v[t] = (float) eig.vector(i, t);
          Var vt = g.constant(b.fromHost(Shape.scalar(), new float[] {v[t]}));
          combination.add(g.mul(w.get(t), vt));
        }
        Var quadratic = g.sum(g.square(g.sumOf(combination)));
        Var norm = g.sum(g.square(g.constant(b.fromHost(Shape.row(n), v))));
        roots.add(g.sqrt(g.div(quadratic, norm)));
      }
      return roots.isEmpty() ? g.scale(g.sum(w.get(0)), 0f) : g.sumOf(roots);
    }
  };

  /** Eigenvalues below this fraction of the largest count as zero (rank deficiency). */
  static final double RANK_TOLERANCE = 1e-12;

  abstract Var apply(Graph g, List<Var> weights);

  /** The config name, e.g. {@code l2-mean}. */
  String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Coupling parse(String name) {
    for (Coupling c : values()) {
      if (c.configName().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown coupling '" + name + "'");
  }
}
