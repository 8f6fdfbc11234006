package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.WeightingContext;
import org.mtl4j.api.weighting.WeightingStep;

/** Argument checks shared by the weighting methods, with messages naming the offending value. */
final class Checks {
  private Checks() {}

  static int taskCount(WeightingContext context, String method) {
    if (context == null) {
      throw new IllegalArgumentException(method + ": the weighting context must not be null");
    }
    List<?> tasks = context.tasks();
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException(method + ": needs at least one task, got none");
    }
    if (context.backend() == null) {
      throw new IllegalArgumentException(method + ": the weighting context has no backend");
    }
    return tasks.size();
  }

  static void step(WeightingStep step, int taskCount, String method) {
    if (step == null) {
      throw new IllegalArgumentException(method + ": the weighting step must not be null");
    }
    if (step.losses().size() != taskCount) {
      throw new IllegalArgumentException(
          method
              + ": created for "
              + taskCount
              + " tasks but the step has "
              + step.losses().size()
              + " losses");
    }
  }

  static double positive(Options options, String name) {
    double v = options.getDouble(name);
    if (!(v > 0)) {
      throw options.invalid(name, v, "a number > 0");
    }
    return v;
  }

  static double nonNegative(Options options, String name) {
    double v = options.getDouble(name);
    if (!(v >= 0)) {
      throw options.invalid(name, v, "a number >= 0");
    }
    return v;
  }

  /** The single array stored under {@code key} with {@code length} values, else a clear error. */
  static double[] stateEntry(
      java.util.Map<String, double[]> state, String key, int length, String method) {
    double[] v = state.get(key);
    if (v == null || v.length != length) {
      throw new IllegalArgumentException(
          method
              + ": state entry '"
              + key
              + "' is "
              + (v == null ? "missing" : "of length " + v.length)
              + ", expected "
              + length
              + " values");
    }
    return v.clone();
  }
}
