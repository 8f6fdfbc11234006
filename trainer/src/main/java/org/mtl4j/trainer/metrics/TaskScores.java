package org.mtl4j.trainer.metrics;

import java.util.Map;

/** One task's results on one pass over a split: mean loss and each metric by name. */
public record TaskScores(double loss, Map<String, Double> metrics) {
  public TaskScores {
    metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
  }

  /** A metric value, or the loss for {@code "loss"}; NaN when absent. */
  public double get(String metric) {
    if (metric.equals("loss")) {
      return loss;
    }
    Double v = metrics.get(metric);
    return v == null ? Double.NaN : v;
  }
}
