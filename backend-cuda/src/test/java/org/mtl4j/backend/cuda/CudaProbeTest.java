package org.mtl4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.backend.Availability;
import org.mtl4j.api.backend.BackendOptions;

/** The probe on a machine without a driver, and its parts that need no GPU. */
class CudaProbeTest {

  static boolean noDriver() {
    return CudaProbe.findLibcuda(CudaProbe.searchPath(), Path.of("/etc/ld.so.cache")).isEmpty();
  }

  @Test
  void withoutLibcudaTheProbeSaysSoAndCreateFailsWithTheReason() {
    assumeTrue(noDriver(), "this machine has libcuda.so.1; the no-driver path is not reachable");
    CudaBackendProvider provider = new CudaBackendProvider();
    Availability a = provider.probe();
    System.out.println("cuda probe here: " + a);
    assertFalse(a.available());
    assertTrue(a.reason().contains("libcuda.so.1"), a.reason());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> provider.create(BackendOptions.defaults()));
    assertTrue(e.getMessage().contains(a.reason()), e.getMessage());
  }

  @Test
  void probeNeverThrowsAndNamesItself() {
    CudaBackendProvider provider = new CudaBackendProvider();
    assertEquals("cuda", provider.name());
    assertEquals(200, provider.priority());
    Availability a = provider.probe();
    assertFalse(a.reason().isBlank());
  }

  @Test
  void unknownOptionsAreRejected() {
    CudaBackendProvider provider = new CudaBackendProvider();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> provider.create(new BackendOptions(0, 0, Map.of("stream", "2"))));
    assertTrue(e.getMessage().contains("stream"), e.getMessage());
  }

  @Test
  void libcudaIsFoundInAFolderOrThroughTheLdCache(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("driver"));
    Path cache = tmp.resolve("ld.so.cache");
    Files.write(cache, new byte[] {1, 2, 3});
    assertTrue(CudaProbe.findLibcuda(List.of(dir), cache).isEmpty());
    Path lib = Files.createFile(dir.resolve("libcuda.so.1"));
    assertEquals(lib, CudaProbe.findLibcuda(List.of(dir), cache).orElseThrow());

    Path hidden = Files.createDirectories(tmp.resolve("hidden"));
    Path hiddenLib = Files.createFile(hidden.resolve("libcuda.so.1"));
    byte[] entry = ("\0libcuda.so.1\0" + hiddenLib + "\0").getBytes(StandardCharsets.ISO_8859_1);
    Files.write(cache, entry);
    assertEquals(hiddenLib, CudaProbe.findLibcuda(List.of(tmp), cache).orElseThrow());
  }

  @Test
  void requiredDriverFollowsThePtxIsaVersion() {
    assertEquals(13000, CudaProbe.requiredDriverVersion(".version 9.0\n.target sm_80"));
    assertEquals(12040, CudaProbe.requiredDriverVersion(".version 8.4\n.target sm_80"));
    assertEquals("13.0", CudaProbe.version(13000));
    assertEquals("12.4", CudaProbe.version(12040));
    int bundled = CudaProbe.requiredDriverVersion(Kernels.ptx("gemm"));
    assertTrue(bundled >= 12000, "bundled PTX needs driver " + bundled);
  }
}
