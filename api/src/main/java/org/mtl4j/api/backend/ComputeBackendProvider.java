package org.mtl4j.api.backend;

/**
 * The {@link java.util.ServiceLoader} entry point of a backend: registered in {@code
 * META-INF/services/org.mtl4j.api.backend.ComputeBackendProvider}.
 *
 * <p>A provider must be cheap to construct: no native library is loaded before {@link #create}.
 */
public interface ComputeBackendProvider {

  /**
   * Short lower-case name used in configs and on the command line, e.g. {@code cpu}, {@code cuda}.
   */
  String name();

  /** Higher wins in {@code auto} selection among available backends (a GPU's above the CPU's). */
  int priority();

  /** One line describing the backend, for {@code mtl4j backends}. */
  default String description() {
    return name();
  }

  /**
   * Checks, cheaply, whether this backend can run here. Never throws: every {@link Throwable} (an
   * {@link UnsatisfiedLinkError} is not an {@link Exception}) becomes an unavailable result whose
   * reason says what is missing.
   */
  Availability probe();

  /**
   * Creates a backend instance.
   *
   * @throws IllegalStateException if the backend cannot run here, with the reason
   */
  ComputeBackend create(BackendOptions options);
}
