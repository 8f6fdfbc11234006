package org.mtl4j.weighting;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * Dynamic Weight Average (Liu, Johns and Davison, "End-to-End Multi-Task Learning with Attention",
 * CVPR 2019, eq. 7): {@code α_t(e) = T · exp(r_t(e-1)/temp) / Σ_i exp(r_i(e-1)/temp)} with the loss
 * descending rate {@code r_t(e-1) = L_t(e-1) / L_t(e-2)}, where {@code L_t(e)} is task t's mean
 * training loss over epoch e (reported through {@link #endEpoch}). Equal weights are used until two
 * epochs have been recorded (the paper's {@code r_t(1) = r_t(2) = 1}).
 */
final class DynamicWeightAverage extends LossWeighting {
  private final double temperature;
  private int lastEpoch = -1;
  private double[] last;
  private double[] previous;

  DynamicWeightAverage(int taskCount, double temperature) {
    super(taskCount, "dwa");
    this.temperature = temperature;
  }

  @Override
  double[] weights(WeightingStep step) {
    return weightsForEpoch(step.epoch());
  }

  /** The weights DWA uses during the 0-based {@code epoch} given the recorded loss history. */
  double[] weightsForEpoch(int epoch) {
    int t = taskCount();
    double[] w = new double[t];
    if (previous == null || lastEpoch != epoch - 1) {
      Arrays.fill(w, 1.0);
      return w;
    }
    double[] r = new double[t];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < t; i++) {
      r[i] = last[i] / previous[i] / temperature;
      max = Math.max(max, r[i]);
    }
    double sum = 0;
    for (int i = 0; i < t; i++) {
      w[i] = Math.exp(r[i] - max);
      sum += w[i];
    }
    for (int i = 0; i < t; i++) {
      w[i] = t * w[i] / sum;
    }
    return w;
  }

  @Override
  public void endEpoch(int epoch, double[] meanTaskLosses) {
    if (meanTaskLosses == null || meanTaskLosses.length != taskCount()) {
      throw new IllegalArgumentException(
          "dwa: endEpoch expects "
              + taskCount()
              + " mean task losses, got "
              + (meanTaskLosses == null ? "null" : meanTaskLosses.length));
    }
    for (int i = 0; i < meanTaskLosses.length; i++) {
      double l = meanTaskLosses[i];
      if (!(l > 0) || Double.isInfinite(l)) {
        throw new IllegalArgumentException(
            "dwa: the mean loss of task "
                + i
                + " in epoch "
                + epoch
                + " must be a positive "
                + "finite number (DWA divides by it), got "
                + l);
      }
    }
    if (epoch == lastEpoch + 1 && last != null) {
      previous = last;
    } else {
      previous = null;
    }
    last = meanTaskLosses.clone();
    lastEpoch = epoch;
  }

  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> s = new LinkedHashMap<>();
    s.put("last_epoch", new double[] {lastEpoch});
    if (last != null) {
      s.put("losses.last", last.clone());
    }
    if (previous != null) {
      s.put("losses.previous", previous.clone());
    }
    return s;
  }

  @Override
  public void restore(Map<String, double[]> state) {
    double[] e = Checks.stateEntry(state, "last_epoch", 1, "dwa");
    lastEpoch = (int) e[0];
    last =
        state.containsKey("losses.last")
            ? Checks.stateEntry(state, "losses.last", taskCount(), "dwa")
            : null;
    previous =
        state.containsKey("losses.previous")
            ? Checks.stateEntry(state, "losses.previous", taskCount(), "dwa")
            : null;
  }
}
