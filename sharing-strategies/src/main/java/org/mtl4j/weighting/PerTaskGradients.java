package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * One backward sweep per task on a step's graph ({@link Graph#grad}, which touches no parameter's
 * gradient): task t's gradient of the shared parameters, or of the shared representation, and of
 * the task-specific parameters, in tensors of the scope open at the time. For methods whose update
 * is not a combination fixed by the Gram matrix (DB-MTL's gradient momenta, ExcessMTL's
 * Adagrad-scaled norms).
 */
final class PerTaskGradients {
  /** Task t's gradient: one tensor per shared var, one per task-specific parameter. */
  record TaskGradient(List<Tensor> shared, List<Tensor> own) {}

  final ComputeBackend backend;
  final List<Var> shared;
  final List<Parameter> own;
  final List<TaskGradient> tasks;

  private PerTaskGradients(
      ComputeBackend backend, List<Var> shared, List<Parameter> own, List<TaskGradient> tasks) {
    this.backend = backend;
    this.shared = shared;
    this.own = own;
    this.tasks = tasks;
  }

  /**
   * The per-task gradients of {@code step}: of its representation when {@code representation}, else
   * of its shared parameters.
   */
  static PerTaskGradients of(WeightingStep step, boolean representation, String method) {
    Graph g = step.graph();
    List<Var> shared = new ArrayList<>();
    if (representation) {
      if (step.representation() == null) {
        throw new IllegalArgumentException(
            method
                + ": rep_grad is true but the network exposes no shared representation"
                + " (WeightingStep.representation is null); set rep_grad: false to use the"
                + " gradients of the shared parameters instead");
      }
      shared.add(step.representation());
    } else {
      for (Parameter p : step.sharedParameters()) {
        shared.add(g.param(p));
      }
    }
    List<Var> wrt = new ArrayList<>(shared);
    for (Parameter p : step.taskParameters()) {
      wrt.add(g.param(p));
    }
    List<TaskGradient> tasks = new ArrayList<>(step.losses().size());
    for (Var loss : step.losses()) {
      Map<Var, Tensor> grads = g.grad(loss, wrt);
      List<Tensor> s = new ArrayList<>(shared.size());
      for (Var v : shared) {
        s.add(grads.get(v));
      }
      List<Tensor> o = new ArrayList<>(step.taskParameters().size());
      for (Parameter p : step.taskParameters()) {
        o.add(grads.get(g.param(p)));
      }
      tasks.add(new TaskGradient(s, o));
    }
    return new PerTaskGradients(g.backend(), shared, step.taskParameters(), tasks);
  }

  /** Adds {@code Σ_t scale[t] · (task t's gradient)} into every task-specific parameter's grad. */
  void addTaskParameterGradients(double[] scale) {
    for (int t = 0; t < tasks.size(); t++) {
      List<Tensor> o = tasks.get(t).own();
      for (int k = 0; k < o.size(); k++) {
        if (o.get(k) != null) {
          backend.axpby((float) scale[t], o.get(k), 1f, own.get(k).grad());
        }
      }
    }
  }

  /** {@code Σ_k ‖part_k‖²} of a list of gradient parts. */
  double sumSquares(List<Tensor> parts) {
    double s = 0;
    for (Tensor p : parts) {
      s += backend.sumSquares(p);
    }
    return s;
  }
}
