package org.mtl4j.api.task;

import java.util.Map;
import java.util.Objects;
import org.mtl4j.api.tensor.Tensor;

/**
 * A mini-batch on the backend: features {@code [n, d]}, and per task a target tensor (layout by
 * {@link TaskType}) and a {@code [n, 1]} label mask (1 = this sample has a label for the task). A
 * missing mask means every sample is labelled.
 */
public record Batch(Tensor features, Map<String, Tensor> targets, Map<String, Tensor> masks) {
  public Batch {
    Objects.requireNonNull(features, "features");
    targets = Map.copyOf(targets);
    masks = Map.copyOf(masks);
    int n = features.shape().rows();
    for (Map.Entry<String, Tensor> e : targets.entrySet()) {
      if (e.getValue().shape().rows() != n) {
        throw new IllegalArgumentException(
            "batch: targets of task "
                + e.getKey()
                + " have "
                + e.getValue().shape().rows()
                + " rows, features "
                + n);
      }
    }
    for (Map.Entry<String, Tensor> e : masks.entrySet()) {
      if (e.getValue().shape().rows() != n || e.getValue().shape().cols() != 1) {
        throw new IllegalArgumentException(
            "batch: mask of task "
                + e.getKey()
                + " is "
                + e.getValue().shape()
                + ", expected ["
                + n
                + ", 1]");
      }
    }
  }

  public int size() {
    return features.shape().rows();
  }

  public Tensor target(String task) {
    Tensor t = targets.get(task);
    if (t == null) {
      throw new IllegalArgumentException("batch has no targets for task '" + task + "'");
    }
    return t;
  }

  /** The label mask of a task, or null when every sample is labelled. */
  public Tensor mask(String task) {
    return masks.get(task);
  }
}
