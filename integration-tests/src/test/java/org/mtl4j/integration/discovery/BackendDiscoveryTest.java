package org.mtl4j.integration.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.Availability;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.ComputeBackendProvider;

/** Backend discovery from the real runtime class path, as a user's application sees it. */
class BackendDiscoveryTest {
  private final Backends backends = Backends.discover();

  private ComputeBackendProvider provider(String name) {
    return backends.providers().stream()
        .filter(p -> p.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no provider named " + name));
  }

  private boolean gpuHere() {
    return Backends.safeProbe(provider("cuda")).available();
  }

  @Test
  void bothBackendsAreFoundGpuFirst() {
    assertEquals(List.of("cuda", "cpu"), backends.names());
    assertTrue(provider("cuda").priority() > provider("cpu").priority());
  }

  @Test
  void cudaReportsWhyItIsUnavailableWithoutAGpu() {
    assumeFalse(gpuHere(), "a GPU is present on this machine");
    Availability a = Backends.safeProbe(provider("cuda"));
    assertFalse(a.available());
    assertTrue(
        a.reason().contains("libcuda") || a.reason().toLowerCase().contains("device"),
        "reason should say what is missing: " + a.reason());
  }

  @Test
  void autoPicksTheCpuAndSaysWhy() {
    assumeFalse(gpuHere(), "a GPU is present on this machine");
    Backends.Selection s = backends.select("auto");
    assertEquals("cpu", s.provider().name());
    assertTrue(s.reason().contains("cuda"), "the reason names the skipped backend: " + s.reason());
  }

  @Test
  void askingForCudaFailsWithTheProbeReason() {
    assumeFalse(gpuHere(), "a GPU is present on this machine");
    String reason = Backends.safeProbe(provider("cuda")).reason();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> backends.select("cuda"));
    assertTrue(e.getMessage().contains("'cuda'"), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
  }

  @Test
  void anUnknownNameListsTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> backends.select("tpu"));
    assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
    assertTrue(e.getMessage().contains("cpu"), e.getMessage());
    assertTrue(e.getMessage().contains("cuda"), e.getMessage());
  }

  @Test
  void theCpuBackendIsCreatedByNameAndComputes() {
    try (ComputeBackend b = backends.create("cpu", BackendOptions.defaults())) {
      assertEquals("cpu", b.name());
      var a = b.fromHost(org.mtl4j.api.tensor.Shape.matrix(2, 2), new float[] {1, 2, 3, 4});
      var c = b.allocate(org.mtl4j.api.tensor.Shape.matrix(2, 2));
      b.gemm(false, false, 1f, a, a, 0f, c);
      assertEquals(List.of(7f, 10f, 15f, 22f), boxed(b.toHost(c)));
    }
  }

  private static List<Float> boxed(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return List.of(out);
  }
}
