package org.mtl4j.api.backend;

import java.util.Map;
import java.util.Objects;

/**
 * Settings handed to {@link ComputeBackendProvider#create}.
 *
 * @param threads number of compute threads the backend may use (0 = backend default)
 * @param deviceIndex which device, for backends with several (0 = first)
 * @param extra backend-specific settings by name; unknown keys are the backend's to reject
 */
public record BackendOptions(int threads, int deviceIndex, Map<String, String> extra) {
  public BackendOptions {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0, got " + threads);
    }
    if (deviceIndex < 0) {
      throw new IllegalArgumentException("deviceIndex must be >= 0, got " + deviceIndex);
    }
    extra = Map.copyOf(Objects.requireNonNull(extra, "extra"));
  }

  public static BackendOptions defaults() {
    return new BackendOptions(0, 0, Map.of());
  }

  public BackendOptions withThreads(int n) {
    return new BackendOptions(n, deviceIndex, extra);
  }
}
