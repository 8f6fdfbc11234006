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
}
