package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * One block of native (off-heap) float memory obtained from the system through JavaCPP, with a
 * direct {@link FloatBuffer} view for the Java kernels and the {@link FloatPointer} for BLAS.
 *
 * @param pointer the native memory, freed explicitly by {@link BufferPool}
 * @param buffer a direct view of all {@link #capacity} floats, native byte order
 * @param bits the same memory as raw IEEE 754 bit patterns, for kernels that work on the bits (the
 *     JIT vectorises integer loops over these but not {@code Float.floatToRawIntBits})
 * @param capacity number of floats in the block
 * @param sizeClass index of the pool's size class this block belongs to
 */
record NativeBlock(
    FloatPointer pointer, FloatBuffer buffer, IntBuffer bits, int capacity, int sizeClass) {

  long bytes() {
    return 4L * capacity;
  }
}
