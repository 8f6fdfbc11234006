package org.mtl4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.Availability;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.ComputeBackendProvider;

class CpuBackendProviderTest {

  @Test
  void registeredWithServiceLoaderBelowGpuPriority() {
    ComputeBackendProvider p =
        ServiceLoader.load(ComputeBackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(x -> x.name().equals("cpu"))
            .findFirst()
            .orElseThrow();
    assertEquals(CpuBackendProvider.class, p.getClass());
    assertEquals(100, p.priority());
  }

  @Test
  void probeFindsThisPlatformsNatives() {
    Availability a = new CpuBackendProvider().probe();
    assertTrue(a.available(), a.reason());
    assertTrue(
        a.reason()
            .contains(
                CpuBackendProvider.detectPlatform(
                    System.getProperty("os.name"), System.getProperty("os.arch"))),
        a.reason());
  }

  @Test
  void probeNamesTheMissingClassifierJarForAnotherPlatform() {
    Availability a =
        new CpuBackendProvider("plan9-mips", CpuBackendProvider.class.getClassLoader()).probe();
    assertFalse(a.available());
    assertTrue(a.reason().contains("org.bytedeco:openblas:plan9-mips"), a.reason());
    assertTrue(a.reason().contains("-Djavacpp.platform=plan9-mips"), a.reason());
  }

  @Test
  void probeNeverThrows() {
    Availability a = new CpuBackendProvider("linux-x86_64", null).probe();
    assertFalse(a.available());
    assertTrue(a.reason().startsWith("cpu backend probe failed"), a.reason());
  }

  @Test
  void platformNamesFollowJavaCpp() {
    assertEquals("linux-x86_64", CpuBackendProvider.detectPlatform("Linux", "amd64"));
    assertEquals("macosx-arm64", CpuBackendProvider.detectPlatform("Mac OS X", "aarch64"));
    assertEquals("windows-x86_64", CpuBackendProvider.detectPlatform("Windows 11", "amd64"));
  }

  @Test
  void createHonoursThreadsAndRejectsUnknownOptions() {
    CpuBackendProvider p = new CpuBackendProvider();
    try (ComputeBackend b = p.create(BackendOptions.defaults().withThreads(1))) {
      assertEquals("cpu", b.name());
      assertEquals(1, OpenBlas.threads());
      assertTrue(b.deviceDescription().contains("1 threads"), b.deviceDescription());
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> p.create(new BackendOptions(0, 0, Map.of("fast", "yes"))));
    assertTrue(e.getMessage().contains("fast"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> p.create(new BackendOptions(0, 1, Map.of())));
  }
}
