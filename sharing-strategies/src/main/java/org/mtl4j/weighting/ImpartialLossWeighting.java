package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * IMTL with {@code mode: loss}: IMTL-L alone ({@link ImtlLossScales}), one backward of {@code Σ_t
 * (e^{s_t} L_t − s_t) + Ω}; reports {@code e^{s_t}} as the task weights.
 */
final class ImpartialLossWeighting implements TaskWeighting {
  private final ImtlLossScales scales;
  private final int taskCount;

  ImpartialLossWeighting(ImtlLossScales scales, int taskCount) {
    this.scales = scales;
    this.taskCount = taskCount;
  }

  @Override
  public GradientSource gradientSource() {
    return GradientSource.NONE;
  }

  @Override
  public List<Parameter> parameters() {
    return scales.parameters();
  }

  @Override
  public double[] backward(WeightingStep step) {
    Checks.step(step, taskCount, "imtl");
    List<Var> terms = new ArrayList<>(scales.scaledLosses(step));
    if (step.penalty() != null) {
      terms.add(step.penalty());
    }
    step.graph().backward(step.graph().sumOf(terms));
    return scales.factors();
  }
}
