package org.mtl4j.backend.cuda;

import org.mtl4j.api.backend.Availability;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.ComputeBackendProvider;

/**
 * The {@code cuda} backend: mtl4j's own CUDA kernels (PTX compiled from {@code src/main/cuda}) on
 * an NVIDIA GPU of compute capability 8.0 or newer, through JCuda's driver API. It outranks the CPU
 * backends in {@code auto} selection whenever {@link #probe()} finds a usable device.
 */
public final class CudaBackendProvider implements ComputeBackendProvider {
  public static final String NAME = "cuda";
  public static final int PRIORITY = 200;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return PRIORITY;
  }

  @Override
  public String description() {
    return "NVIDIA GPU through JCuda's driver API, own PTX kernels (compute_80 and newer)";
  }

  @Override
  public Availability probe() {
    return CudaProbe.probe(0);
  }

  @Override
  public ComputeBackend create(BackendOptions options) {
    if (!options.extra().isEmpty()) {
      throw new IllegalArgumentException(
          "cuda backend: unknown options " + options.extra().keySet() + " (it takes none)");
    }
    Availability a = CudaProbe.probe(options.deviceIndex());
    if (!a.available()) {
      throw new IllegalStateException("cuda backend is not available: " + a.reason());
    }
    return new CudaBackend(options.deviceIndex());
  }
}
