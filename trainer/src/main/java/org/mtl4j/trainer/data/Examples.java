package org.mtl4j.trainer.data;

import java.util.Map;
import java.util.Objects;

/**
 * Examples held on the host: row-major features {@code [size, inputSize]} and, per task, targets
 * {@code [size, targetColumns]} and an optional 0/1 label mask {@code [size]} (absent: every
 * example is labelled). Arrays are shared, never copied; {@link Split} selects rows by index.
 * Targets are in training units: standardised for the regression tasks of {@link #scaling()}, which
 * maps them back to original units.
 */
public final class Examples {
  private final int size;
  private final int inputSize;
  private final float[] features;
  private final Map<String, float[]> targets;
  private final Map<String, float[]> masks;
  private final TargetScaling scaling;

  /** Examples whose targets are in original units. */
  public Examples(
      int size,
      int inputSize,
      float[] features,
      Map<String, float[]> targets,
      Map<String, float[]> masks) {
    this(size, inputSize, features, targets, masks, TargetScaling.NONE);
  }

  /** Examples whose targets are scaled by {@code scaling}. */
  public Examples(
      int size,
      int inputSize,
      float[] features,
      Map<String, float[]> targets,
      Map<String, float[]> masks,
      TargetScaling scaling) {
    this.scaling = Objects.requireNonNull(scaling, "scaling");
    this.size = size;
    this.inputSize = inputSize;
    this.features = Objects.requireNonNull(features, "features");
    if ((long) size * inputSize != features.length) {
      throw new IllegalArgumentException(
          features.length + " feature values for " + size + " x " + inputSize + " examples");
    }
    this.targets = Map.copyOf(targets);
    this.masks = Map.copyOf(masks);
    for (var e : this.targets.entrySet()) {
      if (size > 0 && e.getValue().length % size != 0) {
        throw new IllegalArgumentException(
            "targets of "
                + e.getKey()
                + " have "
                + e.getValue().length
                + " values for "
                + size
                + " examples");
      }
    }
  }

  /** How the targets were scaled ({@link TargetScaling#NONE}: original units). */
  public TargetScaling scaling() {
    return scaling;
  }

  public int size() {
    return size;
  }

  public int inputSize() {
    return inputSize;
  }

  public float[] features() {
    return features;
  }

  /** Targets of a task, row-major. */
  public float[] targets(String task) {
    float[] t = targets.get(task);
    if (t == null) {
      throw new IllegalArgumentException("no targets for task '" + task + "'");
    }
    return t;
  }

  /** Columns of a task's targets. */
  public int targetColumns(String task) {
    return size == 0 ? 1 : targets(task).length / size;
  }

  /** The label mask of a task, or null when every example is labelled. */
  public float[] mask(String task) {
    return masks.get(task);
  }
}
