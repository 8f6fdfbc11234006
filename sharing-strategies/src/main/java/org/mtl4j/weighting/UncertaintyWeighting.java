package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * Homoscedastic uncertainty weighting (Kendall, Gal and Cipolla, "Multi-Task Learning Using
 * Uncertainty to Weigh Losses for Scene Geometry and Semantics", CVPR 2018). Each task has a
 * learned log-variance {@code s_t = log σ_t²}, a parameter trained with the network, and the
 * objective is
 *
 * <ul>
 *   <li>regression tasks (Gaussian likelihood, eq. 5): {@code L/(2σ²) + log σ = ½·exp(-s)·L + ½·s};
 *   <li>classification tasks (scaled softmax / Bernoulli likelihood, eq. 10): {@code L/σ² + log σ =
 *       exp(-s)·L + ½·s};
 * </ul>
 *
 * plus Ω. Parameterising by the log-variance is the paper's numerically stable choice (§3.2).
 */
final class UncertaintyWeighting implements TaskWeighting {
  private final List<Task> tasks;
  private final List<Parameter> logVariances;

  UncertaintyWeighting(List<Task> tasks, ComputeBackend backend, double initialLogVariance) {
    this.tasks = List.copyOf(tasks);
    List<Parameter> ps = new ArrayList<>();
    try {
      for (Task t : tasks) {
        ps.add(
            new Parameter(
                "uncertainty.log_var." + t.name(),
                backend,
                Shape.scalar(),
                new float[] {(float) initialLogVariance},
                1f,
                false));
      }
    } catch (RuntimeException e) {
      ps.forEach(Parameter::close);
      throw e;
    }
    this.logVariances = List.copyOf(ps);
  }

  /** The factor of {@code exp(-s)·L}: ½ for regression (Gaussian), 1 for classification. */
  static double lossFactor(TaskType type) {
    return type == TaskType.REGRESSION ? 0.5 : 1.0;
  }

  @Override
  public GradientSource gradientSource() {
    return GradientSource.NONE;
  }

  @Override
  public List<Parameter> parameters() {
    return logVariances;
  }

  @Override
  public double[] backward(WeightingStep step) {
    double[] effective = new double[tasks.size()];
    step.graph().backward(objective(step, effective));
    return effective;
  }

  /**
   * Records the objective {@code Σ_t f_t(L_t, s_t) + Ω} on the step's graph and stores each task's
   * effective loss weight ({@code ½·exp(-s_t)} or {@code exp(-s_t)}) in {@code effective}.
   */
  Var objective(WeightingStep step, double[] effective) {
    Checks.step(step, tasks.size(), "uncertainty");
    Graph g = step.graph();
    List<Var> terms = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      float factor = (float) lossFactor(tasks.get(i).type());
      Var s = g.param(logVariances.get(i));
      Var precision = g.exp(g.scale(s, -1f));
      terms.add(g.add(g.scale(g.mul(precision, step.losses().get(i)), factor), g.scale(s, 0.5f)));
      effective[i] = factor * g.backend().scalar(precision.value());
    }
    if (step.penalty() != null) {
      terms.add(step.penalty());
    }
    return g.sumOf(terms);
  }
}
