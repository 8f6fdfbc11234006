package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * A gradient-level method: it takes each task's gradient g_t of the shared parameters (or, with
 * {@code rep_grad}, of the shared representation, as LibMTL does: Lin and Zhang, "LibMTL: A Python
 * Library for Multi-Task Learning", JMLR 2023) and combines them into one update {@code Σ_t β_t
 * g_t} whose coefficients β depend only on the Gram matrix {@code g_i · g_j} and the losses.
 * PCGrad, MGDA and CAGrad all have this form.
 *
 * <p>Task-specific parameters receive their own task's gradient, unweighted, as in LibMTL; Ω's
 * gradient is added to every parameter. With {@code rep_grad} the combined representation gradient
 * is pushed through the trunk in a single backward pass. {@link #backward} reports β as the task
 * weights.
 *
 * <p>Per step this costs one backward sweep per task (through the heads only with {@code
 * rep_grad}), {@code T(T+1)/2} device dot products and {@code T} axpy updates per gradient part.
 */
abstract class GradientBalancing implements TaskWeighting {
  private final int taskCount;
  private final boolean representationGradients;
  private final String method;

  GradientBalancing(int taskCount, boolean representationGradients, String method) {
    this.taskCount = taskCount;
    this.representationGradients = representationGradients;
    this.method = method;
  }

  /**
   * The coefficients β_t of the combined gradient {@code Σ_t β_t g_t}.
   *
   * @param gram {@code g_i · g_j}
   * @param losses each task's loss value
   */
  abstract double[] coefficients(double[][] gram, double[] losses, WeightingStep step);

  /**
   * Adds the combined gradient into {@code targets} (one per gradient part) and returns the
   * coefficients to report: by default {@code Σ_t β_t g_t} with β from {@link #coefficients}.
   * Methods that combine other vectors than this step's gradients (MoCo's tracked gradients)
   * override it.
   */
  double[] combine(TaskGradients gradients, WeightingStep step, List<Tensor> targets) {
    double[] beta = coefficients(gradients.gram(), step.lossValues(), step);
    gradients.addCombination(beta, targets);
    return beta;
  }

  /**
   * The method's own parameters that task t's objective reaches (IMTL-L's scale s_t); they receive
   * that objective's gradient, unweighted, like the task-specific parameters. Empty by default.
   */
  List<Parameter> parametersOf(int task) {
    return List.of();
  }

  /**
   * The per-task objectives whose gradients are balanced: the step's losses, unless the method
   * transforms them first (IMTL-L's learned scales, see {@link #parametersOf}).
   */
  List<Var> objectives(WeightingStep step) {
    return step.losses();
  }

  /**
   * The task weights {@link #backward} reports for coefficients β of the objectives' gradients: β
   * itself unless the objectives are scaled losses (IMTL-L), whose scale then multiplies in.
   */
  double[] reportedWeights(double[] beta) {
    return beta;
  }

  final int taskCount() {
    return taskCount;
  }

  @Override
  public final GradientSource gradientSource() {
    return representationGradients
        ? GradientSource.REPRESENTATION
        : GradientSource.SHARED_PARAMETERS;
  }

  @Override
  public final double[] backward(WeightingStep step) {
    Checks.step(step, taskCount, method);
    Graph g = step.graph();
    ComputeBackend backend = g.backend();
    Var rep = step.representation();
    if (representationGradients && rep == null) {
      throw new IllegalArgumentException(
          method
              + ": rep_grad is true but the network exposes no shared representation"
              + " (WeightingStep.representation is null); set rep_grad: false to balance the"
              + " gradients of the shared parameters instead");
    }
    List<Var> shared = new ArrayList<>();
    if (representationGradients) {
      shared.add(rep);
    } else {
      for (Parameter p : step.sharedParameters()) {
        shared.add(g.param(p));
      }
    }
    List<Var> own = new ArrayList<>();
    for (Parameter p : step.taskParameters()) {
      own.add(g.param(p));
    }
    List<Var> objectives = objectives(step);
    List<Var> wrt = new ArrayList<>(shared);
    wrt.addAll(own);
    try (TensorScope scope = backend.openScope()) {
      List<List<Tensor>> perTask = new ArrayList<>();
      List<Var> withOwn = null; // wrt plus one task's method parameters, reused across tasks
      for (int t = 0; t < objectives.size(); t++) {
        Var loss = objectives.get(t);
        List<Var> mine = wrt;
        List<Parameter> extra = parametersOf(t);
        if (!extra.isEmpty()) {
          if (withOwn == null) {
            withOwn = new ArrayList<>(wrt.size() + extra.size());
            withOwn.addAll(wrt);
          }
          withOwn.subList(wrt.size(), withOwn.size()).clear();
          for (Parameter p : extra) {
            withOwn.add(g.param(p));
          }
          mine = withOwn;
        }
        Map<Var, Tensor> grads = g.grad(loss, mine);
        for (int k = wrt.size(); k < mine.size(); k++) {
          Var v = mine.get(k);
          Tensor d = grads.get(v);
          backend.axpby(1f, d, 1f, v.parameter().grad());
          d.close();
        }
        List<Tensor> parts = new ArrayList<>();
        for (Var v : shared) {
          parts.add(grads.get(v));
        }
        perTask.add(parts);
        for (Var v : own) {
          Tensor d = grads.get(v);
          backend.axpby(1f, d, 1f, v.parameter().grad());
          d.close();
        }
      }
      TaskGradients taskGradients = new TaskGradients(backend, perTask);
      double[] beta;
      if (representationGradients) {
        Tensor combined = backend.zeros(rep.shape());
        beta = combine(taskGradients, step, List.of(combined));
        g.backward(Map.of(rep, combined));
      } else {
        List<Tensor> targets = new ArrayList<>();
        for (Var v : shared) {
          targets.add(v.parameter().grad());
        }
        beta = combine(taskGradients, step, targets);
      }
      if (step.penalty() != null) {
        g.backward(step.penalty());
      }
      return reportedWeights(beta);
    }
  }
}
