package org.mtl4j.api.backend;

import java.util.Objects;

/**
 * Whether a backend can run here, and why (not).
 *
 * @param available true when {@link ComputeBackendProvider#create} is expected to succeed
 * @param reason a sentence a person can act on, e.g. "no libcuda.so.1 on the library path"
 */
public record Availability(boolean available, String reason) {
  public Availability {
    Objects.requireNonNull(reason, "reason");
  }

  public static Availability available(String reason) {
    return new Availability(true, reason);
  }

  public static Availability unavailable(String reason) {
    return new Availability(false, reason);
  }
}
