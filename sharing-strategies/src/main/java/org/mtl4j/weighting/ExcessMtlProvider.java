package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.api.weighting.WeightingContext;

/** {@code excess-mtl}: robust task weighting by excess risks of He et al., ICML 2024. */
public final class ExcessMtlProvider implements TaskWeightingProvider {
  @Override
  public String name() {
    return "excess-mtl";
  }

  @Override
  public String description() {
    return "ExcessMTL (He et al., ICML 2024): exponentiated-gradient task weights from"
        + " Adagrad-estimated excess risks (per-task gradients)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble(
            "robust_step_size", 0.01, "step size η > 0 of the exponentiated-gradient update"),
        OptionSpec.ofBoolean(
            "rep_grad",
            false,
            "estimate excess risks from gradients of the shared representation instead of the"
                + " shared parameters"));
  }

  @Override
  public TaskWeighting create(Options options, WeightingContext context) {
    return new ExcessRiskWeighting(
        Checks.taskCount(context, name()),
        Checks.positive(options, "robust_step_size"),
        options.getBoolean("rep_grad"),
        context.backend());
  }

  /** Per-task gradients (or representation gradients); weights and curvature sums in state(). */
  @Override
  public WeightingCompatibility compatibility() {
    return WeightingCompatibility.GRADIENT_LEVEL;
  }

  @Override
  public String assumptions() {
    return "weights follow each task's excess risk, estimated with a diagonal (Adagrad-like)"
               + " curvature; robust to label noise";
  }
}
