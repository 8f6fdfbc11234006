package org.mtl4j.trainer.metrics;

import java.util.List;

/**
 * The multi-task performance measure Δm of Maninis, Radosavovic and Kokkinos, "Attentive
 * Single-Tasking of Multiple Tasks" (CVPR 2019), as used by Vandenhende et al., "Multi-Task
 * Learning for Dense Prediction Tasks: A Survey" (TPAMI 2021): the mean over tasks of {@code
 * (-1)^{l_t} (M_mtl,t - M_stl,t) / M_stl,t}, with {@code l_t = 1} when lower is better. Positive
 * means the multi-task model beats the single-task baselines on average.
 */
public final class DeltaM {
  private DeltaM() {}

  /** One task's comparison. */
  public record Comparison(
      String task, String metric, double multiTask, double singleTask, boolean higherIsBetter) {
    /** The signed relative gain of this task. */
    public double gain() {
      double rel = (multiTask - singleTask) / singleTask;
      return higherIsBetter ? rel : -rel;
    }
  }

  /** Δm over the comparisons (NaN when empty). */
  public static double of(List<Comparison> cs) {
    if (cs.isEmpty()) {
      return Double.NaN;
    }
    double s = 0;
    for (Comparison c : cs) {
      s += c.gain();
    }
    return s / cs.size();
  }
}
