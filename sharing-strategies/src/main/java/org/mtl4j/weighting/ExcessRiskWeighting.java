package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * ExcessMTL (He, Zhou, Zhou and Chen, "Robust Multi-Task Learning with Excess Risks", ICML 2024,
 * Algorithm 1): task weights follow each task's estimated excess risk rather than its loss, so a
 * task with a large but irreducible (noisy) loss is not upweighted. With task t's gradient {@code
 * g_t} and the running sum of its squared gradients {@code H_t ← H_t + g_t ⊙ g_t} (an Adagrad-style
 * diagonal curvature estimate), the excess risk is estimated as {@code e_t = g_tᵀ diag(√(H_t +
 * 10⁻⁷))⁻¹ g_t}. The first step records {@code e⁰}; every later step takes an
 * exponentiated-gradient step on the normalised risks, {@code w_t ← w_t exp(η e_t / e⁰_t)},
 * renormalised to {@code Σ w = T} (η = {@code robust_step_size}; w starts at 1), and the update is
 * {@code Σ_t w_t ∇L_t + ∇Ω}.
 *
 * <p>g_t is the gradient of the shared parameters or, with {@code rep_grad}, of the shared
 * representation summed over the batch's rows (as in the authors' code; the combined {@code Σ_t w_t
 * ∂L_t/∂z} is then pushed through the trunk once). A task whose first-step risk is 0 keeps its
 * weight's exponent at 0. The weights, first risks and curvature sums are checkpointed. {@link
 * #backward} reports w.
 */
final class ExcessRiskWeighting implements TaskWeighting {
  static final float CURVATURE_EPS = 1e-7f;
  private final int taskCount;
  private final double stepSize;
  private final boolean representation;
  private final double[] weights;
  private double[] initialRisk;
  private final TaskBuffers curvature;

  ExcessRiskWeighting(
      int taskCount, double stepSize, boolean representation, ComputeBackend backend) {
    this.taskCount = taskCount;
    this.stepSize = stepSize;
    this.representation = representation;
    this.weights = new double[taskCount];
    java.util.Arrays.fill(weights, 1.0);
    this.curvature = new TaskBuffers(backend, "curvature", "excess-mtl");
  }

  @Override
  public GradientSource gradientSource() {
    return representation ? GradientSource.REPRESENTATION : GradientSource.SHARED_PARAMETERS;
  }

  @Override
  public double[] backward(WeightingStep step) {
    Checks.step(step, taskCount, "excess-mtl");
    ComputeBackend backend = step.graph().backend();
    try (TensorScope scope = backend.openScope()) {
      PerTaskGradients grads = PerTaskGradients.of(step, representation, "excess-mtl");
      double[] risk = new double[taskCount];
      for (int t = 0; t < taskCount; t++) {
        List<Tensor> g = riskGradient(backend, grads.tasks.get(t).shared());
        List<Shape> shapes = new ArrayList<>(g.size());
        for (Tensor part : g) {
          shapes.add(part.shape());
        }
        List<Tensor> h = curvature.of(t, shapes, taskCount);
        for (int k = 0; k < g.size(); k++) {
          Tensor gk = g.get(k);
          Tensor tmp = backend.allocate(gk.shape());
          backend.binary(BinaryOp.MUL, gk, gk, tmp);
          backend.axpby(1f, tmp, 1f, h.get(k));
          backend.affine(h.get(k), 1f, CURVATURE_EPS, tmp);
          backend.unary(UnaryOp.SQRT, tmp, tmp);
          backend.binary(BinaryOp.DIV, gk, tmp, tmp);
          risk[t] += backend.dot(tmp, gk);
        }
      }
      updateWeights(risk);
      if (representation) {
        Tensor combined = backend.zeros(grads.shared.get(0).shape());
        for (int t = 0; t < taskCount; t++) {
          backend.axpby((float) weights[t], grads.tasks.get(t).shared().get(0), 1f, combined);
        }
        step.graph().backward(Map.of(grads.shared.get(0), combined));
      } else {
        for (int t = 0; t < taskCount; t++) {
          List<Tensor> g = grads.tasks.get(t).shared();
          for (int k = 0; k < g.size(); k++) {
            backend.axpby((float) weights[t], g.get(k), 1f, grads.shared.get(k).parameter().grad());
          }
        }
      }
      grads.addTaskParameterGradients(weights);
      if (step.penalty() != null) {
        step.graph().backward(step.penalty());
      }
    }
    return weights.clone();
  }

  /** The gradient the risk is measured on: as is, or the representation's summed over rows. */
  private List<Tensor> riskGradient(ComputeBackend backend, List<Tensor> shared) {
    if (!representation) {
      return shared;
    }
    Tensor rep = shared.get(0);
    Tensor summed = backend.allocate(Shape.row(rep.shape().cols()));
    backend.sumRows(rep, summed);
    return List.of(summed);
  }

  /** The first call records the risks; later calls take the exponentiated-gradient step. */
  void updateWeights(double[] risk) {
    if (initialRisk == null) {
      initialRisk = risk.clone();
      return;
    }
    double sum = 0;
    for (int t = 0; t < taskCount; t++) {
      double ratio = initialRisk[t] > 0 ? risk[t] / initialRisk[t] : 0;
      weights[t] *= Math.exp(ratio * stepSize);
      sum += weights[t];
    }
    for (int t = 0; t < taskCount; t++) {
      weights[t] = weights[t] / sum * taskCount;
    }
  }

  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("weights", weights.clone());
    if (initialRisk != null) {
      s.put("risk.initial", initialRisk.clone());
    }
    curvature.saveTo(s);
    return s;
  }

  @Override
  public void restore(Map<String, double[]> state) {
    double[] w = Checks.stateEntry(state, "weights", taskCount, "excess-mtl");
    System.arraycopy(w, 0, weights, 0, taskCount);
    initialRisk =
        state.containsKey("risk.initial")
            ? Checks.stateEntry(state, "risk.initial", taskCount, "excess-mtl")
            : null;
    curvature.restoreFrom(state);
  }

  @Override
  public void close() {
    curvature.close();
  }
}
