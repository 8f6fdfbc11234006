package org.mtl4j.api.optim;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Parameter;

/**
 * Applies parameter gradients with one of the backend's fused update steps. State tensors are
 * created on first use for each parameter and live until {@link #close()}.
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

  /** Optimiser state by {@code parameterName/slot}, plus scalars, for checkpoints. */
  Map<String, float[]> state();

  /** Restores what {@link #state()} returned for the same parameters. */
  void restore(Map<String, float[]> state, List<Parameter> parameters);

  @Override
  void close();
}
