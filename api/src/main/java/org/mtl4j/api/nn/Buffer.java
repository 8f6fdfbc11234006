package org.mtl4j.api.nn;

import java.util.Objects;
import org.mtl4j.api.tensor.Tensor;

/**
 * A named persistent tensor that a module updates outside gradient descent, such as the running
 * mean and variance of {@link BatchNorm2d} (PyTorch calls these "buffers"). It is part of the
 * model: checkpoints save and restore it next to the {@link org.mtl4j.api.autograd.Parameter
 * parameters}, and optimisers never see it.
 *
 * @param name unique dotted name, e.g. {@code trunk.1.running_mean}
 * @param value the persistent tensor, owned by the module
 */
public record Buffer(String name, Tensor value) {
  public Buffer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }
}
