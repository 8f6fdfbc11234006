package org.mtl4j.trainer.training;

import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.trainer.config.ConfigException;

/**
 * Opens the configured backend through {@link Backends}: an explicit name fails loudly when unknown
 * or unavailable; {@code auto} takes the best available one and logs why.
 */
public final class BackendFactory {
  private final Backends backends;

  public BackendFactory(Backends backends) {
    this.backends = backends;
  }

  /** Over the backends {@link Backends#discover()} finds: for processes without an injector. */
  public static BackendFactory discover() {
    return new BackendFactory(Backends.discover());
  }

  public Backends backends() {
    return backends;
  }

  /** An open backend and why it was chosen. */
  public record Opened(ComputeBackend backend, String reason) {}

  /**
   * @throws ConfigException for an unknown or unavailable backend (a user error)
   */
  public Opened open(String name) {
    return open(name, BackendOptions.defaults());
  }

  /**
   * Opens {@code name} with {@code options} (threads, device): a Spark task opens its backend with
   * the cores and the GPU Spark gave it.
   *
   * @throws ConfigException for an unknown or unavailable backend (a user error)
   */
  public Opened open(String name, BackendOptions options) {
    Backends.Selection s;
    try {
      s = backends.select(name);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(java.util.List.of(e.getMessage()));
    }
    return new Opened(s.provider().create(options), s.reason());
  }
}
