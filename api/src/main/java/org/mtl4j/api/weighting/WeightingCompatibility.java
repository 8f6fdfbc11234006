package org.mtl4j.api.weighting;

/**
 * What a weighting method needs and supports, stated by its {@link TaskWeightingProvider} so that
 * {@code mtl4j plugins} can print the matrix and the trainer can refuse a config that combines
 * incompatible choices before any data is loaded.
 *
 * @param perTaskGradients the method differentiates each task separately (one backward per task:
 *     gradient-level methods, GradNorm), so a step costs about T backward sweeps instead of one
 * @param representationGradients the method can balance the gradients of the shared representation
 *     instead of the shared parameters (LibMTL's {@code rep_grad}; Sener and Koltun 2018, §3.3),
 *     selected by its boolean option {@code rep_grad}
 * @param sparkSync the method runs in synchronous Spark training, where the driver sees each task's
 *     aggregated mean gradient of the shared parameters (through a linear surrogate loss) and no
 *     representation
 * @param checkpointedState everything the method carries from step to step (learned parameters,
 *     histories, solver warm starts) is in {@link TaskWeighting#state()} or {@link
 *     TaskWeighting#parameters()}, so a resumed run continues exactly; true for stateless methods
 */
public record WeightingCompatibility(
    boolean perTaskGradients,
    boolean representationGradients,
    boolean sparkSync,
    boolean checkpointedState) {

  /**
   * What the trainer assumes of a provider that states nothing: it may need per-task gradients, and
   * it does not claim representation gradients, Spark sync mode or a complete checkpoint.
   */
  public static final WeightingCompatibility UNDECLARED =
      new WeightingCompatibility(true, false, false, false);

  /** A loss-level method (one backward of {@code Σ α_t L_t}), sync-safe, state checkpointed. */
  public static final WeightingCompatibility LOSS_LEVEL =
      new WeightingCompatibility(false, false, true, true);

  /**
   * A gradient-level method combining per-task gradients of the shared parameters or, with {@code
   * rep_grad}, of the shared representation; sync-safe on the shared parameters, state
   * checkpointed.
   */
  public static final WeightingCompatibility GRADIENT_LEVEL =
      new WeightingCompatibility(true, true, true, true);

  /** This compatibility with {@link #representationGradients} replaced. */
  public WeightingCompatibility withRepresentationGradients(boolean supported) {
    return new WeightingCompatibility(perTaskGradients, supported, sparkSync, checkpointedState);
  }

  /** This compatibility with {@link #sparkSync} replaced. */
  public WeightingCompatibility withSparkSync(boolean supported) {
    return new WeightingCompatibility(
        perTaskGradients, representationGradients, supported, checkpointedState);
  }

  /** This compatibility with {@link #perTaskGradients} replaced. */
  public WeightingCompatibility withPerTaskGradients(boolean needed) {
    return new WeightingCompatibility(
        needed, representationGradients, sparkSync, checkpointedState);
  }
}
