package org.mtl4j.backend.cuda;

import org.mtl4j.api.backend.AbstractTensor;
import org.mtl4j.api.backend.TensorTracker;
import org.mtl4j.api.tensor.Shape;

/**
 * A float32 tensor in device memory, backed by a block of the backend's caching allocator. Small
 * tensors keep the host copy they were last uploaded from (until a kernel writes them), so that
 * index and label checks need no device read-back.
 */
final class CudaTensor extends AbstractTensor {
  /** Largest tensor whose uploaded values are remembered on the host. */
  static final int SHADOW_LIMIT = 1 << 16;

  private final DeviceAllocator allocator;
  private final DeviceAllocator.Block block;
  private volatile float[] hostShadow;

  /** {@code H * W} when this tensor holds the argmax indices maxPool2d wrote, else 0. */
  private volatile int poolIndexPlane;

  CudaTensor(Shape shape, TensorTracker tracker, DeviceAllocator allocator) {
    super(shape, tracker);
    this.allocator = allocator;
    this.block = shape.size() == 0 ? null : allocator.acquire(4L * shape.size());
  }

  /** Device address of element 0 (0 for an empty tensor). */
  long address() {
    return block == null ? 0L : block.address();
  }

  DevicePointer pointer() {
    return block == null ? null : block.pointer();
  }

  int size() {
    return shape().size();
  }

  float[] hostShadow() {
    return hostShadow;
  }

  void uploaded(float[] values) {
    hostShadow = values.length <= SHADOW_LIMIT ? values.clone() : null;
    poolIndexPlane = 0;
  }

  /** Called before any kernel or copy writes this tensor. */
  void deviceWritten() {
    hostShadow = null;
    poolIndexPlane = 0;
  }

  /**
   * Records that the max-pool kernel has just written valid argmax indices of {@code H * W = plane}
   * positions into this tensor, so that maxPool2dBackward needs no device check of them; any later
   * write ({@link #deviceWritten}, {@link #uploaded}) forgets it.
   */
  void poolIndicesWritten(int plane) {
    poolIndexPlane = plane;
  }

  int poolIndexPlane() {
    return poolIndexPlane;
  }

  @Override
  protected void release() {
    hostShadow = null;
    if (block != null) {
      allocator.release(block);
    }
  }
}
