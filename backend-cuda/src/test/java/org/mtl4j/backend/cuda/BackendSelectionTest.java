package org.mtl4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.Availability;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.ComputeBackendProvider;
import org.mtl4j.api.testing.ReferenceBackend;

/** Selection between a CPU-like provider and the real cuda provider on a machine without a GPU. */
class BackendSelectionTest {

  /** Stands in for the CPU backend: always available, lower priority than cuda. */
  static final class FakeCpuProvider implements ComputeBackendProvider {
    @Override
    public String name() {
      return "fakecpu";
    }

    @Override
    public int priority() {
      return 100;
    }

    @Override
    public Availability probe() {
      return Availability.available("always");
    }

    @Override
    public ComputeBackend create(BackendOptions options) {
      return new ReferenceBackend();
    }
  }

  @Test
  void serviceLoaderFindsTheCudaProvider() {
    Backends all = Backends.discover(getClass().getClassLoader());
    assertTrue(all.names().contains("cuda"), all.names().toString());
  }

  @Test
  void autoSkipsCudaWithItsReasonAndExplicitCudaFails() {
    assumeTrue(CudaProbeTest.noDriver(), "this machine has a driver");
    CudaBackendProvider cuda = new CudaBackendProvider();
    String reason = cuda.probe().reason();
    Backends backends = new Backends(List.of(new FakeCpuProvider(), cuda));
    assertEquals(List.of("cuda", "fakecpu"), backends.names());

    Backends.Selection auto = backends.select("auto");
    assertEquals("fakecpu", auto.provider().name());
    assertTrue(auto.reason().contains("skipped cuda: " + reason), auto.reason());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> backends.select("cuda"));
    assertTrue(
        e.getMessage().contains("'cuda' was asked for but is not available"), e.getMessage());
    assertTrue(e.getMessage().contains("libcuda.so.1"), e.getMessage());
  }
}
