package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.mtl4j.api.backend.AbstractTensor;
import org.mtl4j.api.backend.TensorTracker;
import org.mtl4j.api.tensor.Shape;

/** A tensor of the CPU backend: a row-major float array in a pooled native block. */
final class CpuTensor extends AbstractTensor {
  private final NativeBlock block;
  private final BufferPool pool;
  private final int size;

  CpuTensor(Shape shape, TensorTracker tracker, NativeBlock block, BufferPool pool) {
    super(shape, tracker);
    this.block = block;
    this.pool = pool;
    this.size = shape.size();
  }

  /** Direct view of the block; only the first {@link #size()} floats belong to this tensor. */
  FloatBuffer buf() {
    return block.buffer();
  }

  /** The same floats as raw bit patterns; only the first {@link #size()} belong to this tensor. */
  IntBuffer bits() {
    return block.bits();
  }

  /** The block's native memory, for BLAS calls. */
  FloatPointer ptr() {
    return block.pointer();
  }

  int size() {
    return size;
  }

  @Override
  protected void release() {
    pool.release(block);
  }
}
