package org.mtl4j.api.optim;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Parameter;

/**
 * Applies parameter gradients with one of the backend's fused update steps. State tensors are
 * created on first use for each parameter and live until {@link #close()}.
 *
 * <p>The {@link #state()} encoding is public so that other components can read and write it (the
 * Spark driver sets the step counter of averaged state): {@link #STEPS} holds the step counter as a
 * {@code long} in the bits of two floats ({@link #encodeSteps}, {@link #decodeSteps}), every other
 * entry is {@code parameterName/slot}.
 */
public interface Optimizer extends AutoCloseable {
  /** Updates each parameter from its gradient, scaled by its {@link Parameter#lrScale()}. */
  void step(List<Parameter> parameters);

  /** Zeroes every parameter's gradient. */
  void zeroGrad(List<Parameter> parameters);

  /** The current base learning rate (schedules change it between steps). */
  double learningRate();

  void setLearningRate(double lr);

  /** Number of steps taken. */
  long steps();

  /** The key of the step counter in {@link #state()}. */
  String STEPS = "steps";

  /**
   * The step counter as {@link #state()} holds it: the high and the low 32 bits, each as the raw
   * bits of a float, so that every {@code long} survives the float map exactly. Checkpoint files do
   * not store this pair: they store the counter as a 64-bit integer.
   */
  static float[] encodeSteps(long steps) {
    return new float[] {
      Float.intBitsToFloat((int) (steps >>> 32)), Float.intBitsToFloat((int) steps)
    };
  }

  /** The counter {@link #encodeSteps} encoded. */
  static long decodeSteps(float[] pair) {
    if (pair == null || pair.length != 2) {
      throw new IllegalArgumentException(
          "optimiser state has no 'steps' entry of two values (high and low 32 bits)");
    }
    return ((long) Float.floatToRawIntBits(pair[0]) << 32)
        | (Float.floatToRawIntBits(pair[1]) & 0xFFFFFFFFL);
  }

  /**
   * Optimiser state by {@code parameterName/slot}, plus the step counter under {@link #STEPS}
   * ({@link #encodeSteps}), for checkpoints.
   */
  Map<String, float[]> state();

  /** Restores what {@link #state()} returned for the same parameters. */
  void restore(Map<String, float[]> state, List<Parameter> parameters);

  @Override
  void close();
}
