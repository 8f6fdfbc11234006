package org.mtl4j.spark;

import java.io.Serializable;

/**
 * One training example as a row of the distributed data set.
 *
 * @param position the example's index in the training split (the index space of the per-epoch
 *     shuffle, so every executor can tell which of its rows belong to a global batch)
 * @param features the input, {@code inputSize} values
 * @param targets per task (config order) the target values, the task's target columns
 * @param labelled per task 1 when the example carries a label for it, else 0
 */
public record ExampleRow(int position, float[] features, float[][] targets, float[] labelled)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public ExampleRow {
    if (position < 0) {
      throw new IllegalArgumentException("position must be >= 0, got " + position);
    }
    if (targets.length != labelled.length) {
      throw new IllegalArgumentException(
          targets.length + " task targets but " + labelled.length + " label flags");
    }
  }
}
