package org.mtl4j.api.task;

/** The standard losses, backed by the backends' fused kernels. */
public final class Losses {
  private Losses() {}

  /** Softmax cross-entropy over class indices. */
  public static final Loss SOFTMAX_CROSS_ENTROPY =
      (g, out, target, mask) -> g.softmaxCrossEntropy(out, target, mask);

  /** Binary cross-entropy with logits, element-wise. */
  public static final Loss BCE_WITH_LOGITS =
      (g, out, target, mask) -> g.bceWithLogits(out, target, mask);

  /** Mean squared error, element-wise. */
  public static final Loss MSE = (g, out, target, mask) -> g.mse(out, target, mask);
}
