package org.mtl4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUresult;

/**
 * A caching device allocator in the manner of PyTorch's CUDA caching allocator: freed blocks go to
 * a free list per size class and are handed out again, so that after the first training step a
 * steady-state step calls {@code cuMemAlloc} zero times. Size classes are multiples of 512 bytes
 * below 2 KiB and four classes per power of two above (at most 25% slack). All work runs on the
 * context's default stream, so a block can be reused as soon as it is released: later kernels are
 * ordered after the ones that used it. When {@code cuMemAlloc} runs out of memory the cache is
 * returned to the driver and the allocation retried once.
 *
 * <p>The caller makes the backend's context current before {@link #acquire} and {@link
 * #freeCached}; {@link #release} touches no driver state.
 */
final class DeviceAllocator {
  static final long MIN_BLOCK = 512;

  /** A device block of {@link #bytes} (its size class). */
  record Block(DevicePointer pointer, long bytes) {
    long address() {
      return pointer.address();
    }
  }

  private final Map<Long, ArrayDeque<DevicePointer>> free = new HashMap<>();
  private long systemAllocations;
  private long bytesReserved;
  private long bytesInUse;

  /** The size class a request of {@code bytes} is served from. */
  static long sizeClass(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("allocation of " + bytes + " bytes");
    }
    if (bytes <= 4 * MIN_BLOCK) {
      return (bytes + MIN_BLOCK - 1) / MIN_BLOCK * MIN_BLOCK;
    }
    long pow = Long.highestOneBit(bytes - 1); // largest power of two below bytes
    long step = pow / 4;
    return (bytes + step - 1) / step * step;
  }

  synchronized Block acquire(long bytes) {
    long cls = sizeClass(bytes);
    ArrayDeque<DevicePointer> list = free.get(cls);
    DevicePointer p = list == null ? null : list.poll();
    if (p == null) {
      p = new DevicePointer();
      try {
        cuMemAlloc(p, cls);
      } catch (CudaException e) {
        if (!e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
          throw e;
        }
        freeCached();
        cuMemAlloc(p, cls);
      }
      systemAllocations++;
      bytesReserved += cls;
    }
    bytesInUse += cls;
    return new Block(p, cls);
  }

  synchronized void release(Block b) {
    bytesInUse -= b.bytes();
    free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b.pointer());
  }

  /** Returns every cached (free) block to the driver. */
  synchronized void freeCached() {
    List<Long> classes = new ArrayList<>(free.keySet());
    for (Long cls : classes) {
      ArrayDeque<DevicePointer> list = free.remove(cls);
      for (DevicePointer p : list) {
        cuMemFree(p);
        bytesReserved -= cls;
      }
    }
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
}
