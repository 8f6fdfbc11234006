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
  /** The {@link #state()} entry holding the step counter. */
  String STEPS = "steps";

  /** The {@link #STEPS} entry for {@code steps}: high then low 32 bits, as float bit patterns. */
  static float[] encodeSteps(long steps) {
    return new float[] {
      Float.intBitsToFloat((int) (steps >>> 32)), Float.intBitsToFloat((int) steps)
    };
  }

  /**
   * The step counter of a {@link #STEPS} entry.
   *
   * @throws IllegalArgumentException when {@code entry} is null or not two values
   */
  static long decodeSteps(float[] entry) {
    if (entry == null || entry.length != 2) {
      throw new IllegalArgumentException("optimiser state has no 'steps' entry");
    }
    return ((long) Float.floatToRawIntBits(entry[0]) << 32)
        | (Float.floatToRawIntBits(entry[1]) & 0xFFFFFFFFL);
  }

  /** Updates each parameter from its gradient, scaled by its {@link Parameter#lrScale()}. */
  void step(List<Parameter> parameters);

  /** Zeroes every parameter's gradient. */
  void zeroGrad(List<Parameter> parameters);

  /** The current base learning rate (schedules change it between steps). */
  double learningRate();

  void setLearningRate(double lr);

  /** Number of steps taken. */
  long steps();

  /** Optimiser state by {@code parameterName/slot}, plus scalars, for checkpoints. */
  Map<String, float[]> state();

  /** Restores what {@link #state()} returned for the same parameters. */
  void restore(Map<String, float[]> state, List<Parameter> parameters);

  @Override
  void close();
}
