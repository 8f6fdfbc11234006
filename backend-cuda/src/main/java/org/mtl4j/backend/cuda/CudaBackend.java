package org.mtl4j.backend.cuda;

import org.mtl4j.api.backend.ComputeBackend;

/**
 * {@link ComputeBackend} on one NVIDIA GPU: every primitive is one of mtl4j's own CUDA kernels
 * ({@code src/main/cuda}), launched through JCuda's driver API in a context owned by this instance.
 * Memory comes from a {@link DeviceAllocator caching allocator}; the host is touched only by {@link
 * #upload}, {@link #download}, scalar results ({@link #dot}, {@link #sumSquares}) and index checks
 * of tensors that were not uploaded from the host. Reductions are deterministic.
 *
 * <p>The implementation is split by kind, as {@code backend-cpu}'s kernels are: {@link CudaContext}
 * (context, memory, transfers), {@link CudaElementwiseOps}, {@link CudaReductionOps}, {@link
 * CudaLossOps} and {@link CudaOptimizerOps}; this class is the one users and {@code ServiceLoader}
 * see; the image primitives (convolution, pooling, batch norm) are {@link CudaImageOps}.
 */
public final class CudaBackend extends CudaOptimizerOps implements CudaImagePrimitives {
  private final CudaImageOps imageOps;

  CudaBackend(int deviceIndex) {
    super(deviceIndex);
    imageOps = new CudaImageOps(tracker, allocator, kernels, multiprocessors, this::run);
  }

  /** Internal: the image primitives' implementation (see {@link CudaImagePrimitives}). */
  @Override
  public CudaImageOps imageOps() {
    return imageOps;
  }
}
