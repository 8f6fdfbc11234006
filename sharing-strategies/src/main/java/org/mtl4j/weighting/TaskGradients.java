package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Tensor;

/**
 * Per-task gradient vectors {@code g_t}, each the concatenation of several device tensors (one per
 * shared parameter, or the single representation gradient). Inner products are computed on the
 * device with {@link ComputeBackend#dot}; only the small {@code T x T} Gram matrix reaches the
 * host.
 */
final class TaskGradients {
  private final ComputeBackend backend;
  private final List<List<Tensor>> grads;

  /**
   * @param grads for each task, its gradient parts (same shapes in the same order for all tasks)
   */
  TaskGradients(ComputeBackend backend, List<List<Tensor>> grads) {
    this.backend = backend;
    this.grads = List.copyOf(grads);
  }

  int taskCount() {
    return grads.size();
  }

  /** Task t's gradient parts (device tensors owned by the caller's scope). */
  List<Tensor> parts(int t) {
    return grads.get(t);
  }

  /** {@code G[i][j] = g_i · g_j}. */
  double[][] gram() {
    int t = grads.size();
    double[][] g = new double[t][t];
    for (int i = 0; i < t; i++) {
      for (int j = i; j < t; j++) {
        double s = 0;
        List<Tensor> a = grads.get(i);
        List<Tensor> b = grads.get(j);
        for (int k = 0; k < a.size(); k++) {
          s += i == j ? backend.sumSquares(a.get(k)) : backend.dot(a.get(k), b.get(k));
        }
        g[i][j] = s;
        g[j][i] = s;
      }
    }
    return g;
  }

  /** Adds {@code Σ_t coefficients[t] · g_t} into the given tensors (one per gradient part). */
  void addCombination(double[] coefficients, List<Tensor> targets) {
    for (int t = 0; t < grads.size(); t++) {
      List<Tensor> parts = grads.get(t);
      for (int k = 0; k < parts.size(); k++) {
        backend.axpby((float) coefficients[t], parts.get(k), 1f, targets.get(k));
      }
    }
  }
}
