package org.mtl4j.api.tensor;

/**
 * An opaque, backend-owned float32 array: a shape plus memory on the backend's device.
 *
 * <p>A tensor is created by a {@link org.mtl4j.api.backend.ComputeBackend} and can only be used
 * with the backend that created it. Its memory is released by {@link #close()}, by the {@link
 * TensorScope} that was open when it was allocated, or by closing the backend; it is never left to
 * the garbage collector. Using a closed tensor is an error that names the tensor.
 */
public interface Tensor extends AutoCloseable {

  Shape shape();

  /** The name of the backend that owns this tensor. */
  String backendName();

  /** True once the memory has been released. */
  boolean isClosed();

  /**
   * Releases the memory now (for a scoped tensor: returns it to the backend's pool). Closing twice
   * is allowed and does nothing.
   */
  @Override
  void close();
}
