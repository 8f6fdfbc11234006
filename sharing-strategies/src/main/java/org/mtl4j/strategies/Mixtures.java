package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Var;

/** Gated mixtures of expert outputs, as MMoE (Ma et al. 2018) and CGC/PLE (Tang et al. 2020). */
final class Mixtures {
  private Mixtures() {}

  /**
   * {@code Σ_k g_k ⊙ e_k}: each expert output {@code e_k [n, h]} scaled row-wise by column {@code
   * k} of the gate probabilities {@code [n, K]}.
   */
  static Var gated(Graph g, List<Var> experts, Var gate) {
    if (gate.shape().cols() != experts.size()) {
      throw new IllegalArgumentException(
          "gate has " + gate.shape().cols() + " outputs for " + experts.size() + " experts");
    }
    List<Var> terms = new ArrayList<>(experts.size());
    for (int k = 0; k < experts.size(); k++) {
      terms.add(g.mul(experts.get(k), g.sliceColumns(gate, k, 1)));
    }
    return g.sumOf(terms);
  }

  /** The {@code parts} side by side, and views of each back out of the concatenation. */
  static List<Var> split(Graph g, Var concatenated, int parts) {
    int w = concatenated.shape().cols() / parts;
    List<Var> out = new ArrayList<>(parts);
    for (int k = 0; k < parts; k++) {
      out.add(g.sliceColumns(concatenated, k * w, w));
    }
    return out;
  }
}
