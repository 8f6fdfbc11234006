package org.mtl4j.backend.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A size-class pool of native float blocks, so that a steady-state training step reuses the blocks
 * the previous step released instead of asking the system for memory.
 *
 * <p>Sizes are rounded up to classes of four steps per power of two ({@code 2^k * 4/4, 5/4, 6/4,
 * 7/4}), as in jemalloc's size classes, so at most a quarter of a block is wasted. Freed blocks go
 * back to their class's free list; they are returned to the system only when the pool is closed.
 */
final class BufferPool {
  /** Smallest block: 16 floats (64 bytes, one cache line). */
  static final int MIN_FLOATS = 16;

  private static final int STEPS = 4;

  private final List<ArrayDeque<NativeBlock>> freeLists = new ArrayList<>();
  private final List<NativeBlock> all = new ArrayList<>();
  private long systemAllocations;
  private long bytesReserved;
  private long bytesInUse;
  private boolean closed;

  /** The size class of a request of {@code floats} values. */
  static int sizeClass(int floats) {
    int n = Math.max(floats, MIN_FLOATS);
    int base = Integer.highestOneBit(n);
    if (base == n) {
      return classIndex(base, 0);
    }
    int quarter = Math.max(1, base / STEPS);
    int step = (n - base + quarter - 1) / quarter; // 1..STEPS
    if (step == STEPS) {
      return classIndex(base * 2, 0);
    }
    return classIndex(base, step);
  }

  private static int classIndex(int powerOfTwo, int step) {
    return (Integer.numberOfTrailingZeros(powerOfTwo) - Integer.numberOfTrailingZeros(MIN_FLOATS))
            * STEPS
        + step;
  }

  /** The number of floats a block of class {@code sizeClass} holds. */
  static long classCapacity(int sizeClass) {
    long base = (long) MIN_FLOATS << (sizeClass / STEPS);
    return base + (base / STEPS) * (sizeClass % STEPS);
  }

  /** A block of at least {@code floats} values, from the free list or, failing that, the system. */
  synchronized NativeBlock acquire(int floats) {
    if (closed) {
      throw new IllegalStateException("cpu backend memory pool is closed");
    }
    int c = sizeClass(floats);
    while (freeLists.size() <= c) {
      freeLists.add(new ArrayDeque<>());
    }
    NativeBlock block = freeLists.get(c).poll();
    if (block == null) {
      long cap = classCapacity(c);
      if (cap > Integer.MAX_VALUE) {
        cap = floats;
      }
      FloatPointer p = new FloatPointer(cap);
      if (p.isNull()) {
        throw new OutOfMemoryError(
            "cpu backend: native allocation of " + 4 * cap + " bytes failed");
      }
      ByteBuffer bytes = p.asByteBuffer().order(ByteOrder.nativeOrder());
      block = new NativeBlock(p, bytes.asFloatBuffer(), bytes.asIntBuffer(), (int) cap, c);
      all.add(block);
      systemAllocations++;
      bytesReserved += block.bytes();
    }
    bytesInUse += block.bytes();
    return block;
  }

  /** Returns a block to its free list. */
  synchronized void release(NativeBlock block) {
    if (closed) {
      return;
    }
    bytesInUse -= block.bytes();
    freeLists.get(block.sizeClass()).push(block);
  }

  synchronized long systemAllocations() {
    return systemAllocations;
  }

  synchronized long bytesReserved() {
    return bytesReserved;
  }

  synchronized long bytesInUse() {
    return bytesInUse;
  }

  /** Frees every block; later acquisitions fail. */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (NativeBlock b : all) {
      b.pointer().close();
    }
    all.clear();
    freeLists.clear();
    bytesReserved = 0;
    bytesInUse = 0;
  }
}
