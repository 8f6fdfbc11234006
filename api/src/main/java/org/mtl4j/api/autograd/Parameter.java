package org.mtl4j.api.autograd;

import java.util.Objects;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * A trainable tensor with its gradient accumulator, a unique dotted name (e.g. {@code
 * trunk.0.weight}) and a learning-rate scale (1 for ordinary weights; cross-stitch units use a
 * larger one, as Misra et al. 2016 do).
 *
 * <p>Value and gradient are persistent tensors (never owned by a scope) and live until {@link
 * #close()}.
 */
public final class Parameter implements AutoCloseable {
  private final String name;
  private final Tensor value;
  private final Tensor grad;
  private final float lrScale;
  private final boolean decay;

  /**
   * Allocates a parameter initialised from {@code init} (row-major, {@code shape.size()} values).
   *
   * @param decay whether weight decay applies (true for weights, false for biases and norms)
   */
  public Parameter(
      String name,
      ComputeBackend backend,
      Shape shape,
      float[] init,
      float lrScale,
      boolean decay) {
    this.name = Objects.requireNonNull(name, "name");
    if (!(lrScale > 0f) || Float.isInfinite(lrScale)) {
      throw new IllegalArgumentException(
          "parameter " + name + ": lrScale must be a positive finite number, got " + lrScale);
    }
    Tensor v = backend.persistentFromHost(shape, init);
    Tensor g;
    try {
      g = backend.persistentZeros(shape);
    } catch (RuntimeException e) {
      v.close();
      throw e;
    }
    this.value = v;
    this.grad = g;
    this.lrScale = lrScale;
    this.decay = decay;
  }

  public String name() {
    return name;
  }

  public Tensor value() {
    return value;
  }

  public Tensor grad() {
    return grad;
  }

  public Shape shape() {
    return value.shape();
  }

  public float lrScale() {
    return lrScale;
  }

  /** Whether weight decay applies to this parameter. */
  public boolean decay() {
    return decay;
  }

  /** Number of scalar values. */
  public int size() {
    return value.shape().size();
  }

  @Override
  public void close() {
    value.close();
    grad.close();
  }

  @Override
  public String toString() {
    return "Parameter(" + name + " " + value.shape() + ")";
  }
}
