package org.mtl4j.api.weighting;

import java.util.List;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;

/**
 * The {@link java.util.ServiceLoader} entry point of a weighting method, registered in {@code
 * META-INF/services/org.mtl4j.api.weighting.TaskWeightingProvider} and selected in config by {@link
 * #name()}.
 */
public interface TaskWeightingProvider {

  /** Short config name, e.g. {@code equal}, {@code uncertainty}, {@code pcgrad}. */
  String name();

  /** One line for {@code mtl4j plugins}, citing the paper. */
  String description();

  List<OptionSpec> options();

  /**
   * A method configured by {@code options} (already checked against {@link #options()}) for the
   * given tasks.
   */
  TaskWeighting create(Options options, WeightingContext context);

  /**
   * What the method needs (per-task gradients) and supports (representation gradients, Spark sync
   * mode, an exact resume from checkpoints), for {@code mtl4j plugins} and for the trainer's check
   * of a config. The default, {@link WeightingCompatibility#UNDECLARED}, claims nothing: a provider
   * written before this method existed keeps compiling and is refused only where the trainer cannot
   * know it works (representation gradients, Spark sync mode).
   */
  default WeightingCompatibility compatibility() {
    return WeightingCompatibility.UNDECLARED;
  }

  /**
   * Whether the method needs every task's loss (or gradient) in every step: gradient-level methods,
   * GradNorm, and loss-level methods that couple the losses of a step (a geometric mean, a maximum,
   * the loss decrease between steps, learned per-task log-variances). The trainer refuses such a
   * method with a schedule that trains one task per step ({@code training.sampling: alternating,
   * proportional, uniform, temperature}). The default follows from {@link #compatibility()}:
   * methods that need per-task gradients; a loss-level method whose steps couple the tasks
   * overrides it.
   */
  default boolean needsEveryTaskPerStep() {
    return compatibility().perTaskGradients();
  }

  /**
   * What the method assumes of the tasks, losses or gradients, one sentence for {@code
   * docs/methods.md} ({@code mtl4j plugins --markdown}); the default states nothing beyond what
   * every method needs.
   */
  default String assumptions() {
    return "differentiable task losses (nothing more stated by the plugin)";
  }

  /**
   * The cost of one training step relative to {@code equal}, one phrase for {@code
   * docs/methods.md}; the default follows from {@link #compatibility()}: T backward passes for a
   * method that needs per-task gradients, otherwise one.
   */
  default String costPerStep() {
    return compatibility().perTaskGradients()
        ? "T backward passes (one per task) and the combination of T gradients"
        : "one backward pass of Σ α_t L_t, as equal";
  }
}
