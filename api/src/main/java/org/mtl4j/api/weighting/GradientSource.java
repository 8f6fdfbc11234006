package org.mtl4j.api.weighting;

/** What a {@link TaskWeighting} differentiates per task. */
public enum GradientSource {
  /** Loss-level method: one backward of the weighted sum. */
  NONE,
  /** Per-task gradients of the shared parameters (one backward per task through the trunk). */
  SHARED_PARAMETERS,
  /**
   * Per-task gradients of the shared representation (LibMTL's {@code rep_grad}): one backward per
   * task through the heads only, then one through the trunk with the combined gradient.
   */
  REPRESENTATION
}
