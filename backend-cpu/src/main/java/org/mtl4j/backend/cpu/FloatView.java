package org.mtl4j.backend.cpu;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * A movable window into native float memory that some other pointer owns, for passing one image of
 * a batch to {@code cblas_sgemm}: re-aiming it sets its address and allocates nothing, native or
 * otherwise. It never frees anything.
 */
final class FloatView extends FloatPointer {
  FloatView() {
    super((Pointer) null);
  }

  /** Points this view at {@code base + offset} floats; returns it. */
  FloatView at(FloatPointer base, long offset) {
    long bytes = 4L * (base.position() + offset);
    this.address = base.address() + bytes;
    this.position = 0;
    long remaining = Math.max(0, base.capacity() - base.position() - offset);
    this.limit = remaining;
    this.capacity = remaining;
    return this;
  }
}
