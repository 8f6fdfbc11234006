package org.mtl4j.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.testing.ReferenceBackend;

/** Discovery and selection of backends, with fake providers. */
class BackendsTest {

  /** A fake provider whose probe result (or failure) is fixed. */
  static class Fake implements ComputeBackendProvider {
    final String name;
    final int priority;
    final Availability availability;
    final Throwable failure;
    final AtomicInteger created = new AtomicInteger();

    Fake(String name, int priority, Availability availability, Throwable failure) {
      this.name = name;
      this.priority = priority;
      this.availability = availability;
      this.failure = failure;
    }

    static Fake available(String name, int priority) {
      return new Fake(name, priority, Availability.available(name + " is ready"), null);
    }

    static Fake unavailable(String name, int priority, String reason) {
      return new Fake(name, priority, Availability.unavailable(reason), null);
    }

    static Fake throwing(String name, int priority, Throwable t) {
      return new Fake(name, priority, null, t);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public Availability probe() {
      if (failure instanceof Error e) {
        throw e;
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      return availability;
    }

    @Override
    public ComputeBackend create(BackendOptions options) {
      created.incrementAndGet();
      return new ReferenceBackend();
    }
  }

  /** Registered in a temporary META-INF/services file by {@link #discoverUsesServiceLoader}. */
  public static final class Registered extends Fake {
    public Registered() {
      super("registered", 5, Availability.available("always"), null);
    }
  }

  private final List<LogRecord> logged = new ArrayList<>();
  private final Handler handler =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private final Logger jul = Logger.getLogger(Backends.class.getName());
  private String savedProperty;

  @BeforeEach
  void captureLogAndProperty() {
    jul.addHandler(handler);
    jul.setUseParentHandlers(false);
    jul.setLevel(java.util.logging.Level.ALL);
    savedProperty = System.getProperty(Backends.PROPERTY);
    System.clearProperty(Backends.PROPERTY);
  }

  @AfterEach
  void restore() {
    jul.removeHandler(handler);
    jul.setUseParentHandlers(true);
    jul.setLevel(null);
    if (savedProperty == null) {
      System.clearProperty(Backends.PROPERTY);
    } else {
      System.setProperty(Backends.PROPERTY, savedProperty);
    }
  }

  private String log() {
    StringBuilder sb = new StringBuilder();
    for (LogRecord r : logged) {
      sb.append(r.getMessage()).append('\n');
    }
    return sb.toString();
  }

  @Test
  void providersAreSortedByPriorityThenName() {
    Backends b =
        new Backends(
            List.of(
                Fake.available("cpu", 10),
                Fake.available("cuda", 100),
                Fake.available("alpha", 10)));
    assertEquals(List.of("cuda", "alpha", "cpu"), b.names());
  }

  @Test
  void explicitNameWinsOverPriority() {
    Fake cpu = Fake.available("cpu", 10);
    Fake cuda = Fake.available("cuda", 100);
    Backends.Selection s = new Backends(List.of(cpu, cuda)).select("cpu");
    assertSame(cpu, s.provider());
    assertTrue(s.reason().contains("asked for by name"), s.reason());
    assertSame(
        cpu,
        new Backends(List.of(cpu, cuda)).select("  CPU ").provider(),
        "names are trimmed and case-insensitive");
  }

  @Test
  void systemPropertyIsHonouredAndAnArgumentBeatsIt() {
    Fake cpu = Fake.available("cpu", 10);
    Fake cuda = Fake.available("cuda", 100);
    Backends b = new Backends(List.of(cpu, cuda));
    System.setProperty(Backends.PROPERTY, "cpu");
    assertSame(cpu, b.select(null).provider(), "-Dmtl4j.backend=cpu with no argument");
    assertSame(cpu, b.select("").provider(), "a blank argument falls back to the property");
    assertSame(cuda, b.select("cuda").provider(), "an argument beats the property");
    System.setProperty(Backends.PROPERTY, "auto");
    assertSame(cuda, b.select(null).provider());
  }

  @Test
  void unknownNameListsTheKnownNames() {
    Backends b = new Backends(List.of(Fake.available("cpu", 10), Fake.available("cuda", 100)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.select("tpu"));
    assertTrue(e.getMessage().contains("'tpu'"), e.getMessage());
    assertTrue(e.getMessage().contains("cuda, cpu, auto"), e.getMessage());
  }

  @Test
  void unavailableNamedBackendFailsWithTheProbeReason() {
    Backends b =
        new Backends(
            List.of(
                Fake.available("cpu", 10),
                Fake.unavailable("cuda", 100, "no libcuda.so.1 on the library path")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.select("cuda"));
    assertTrue(e.getMessage().contains("'cuda'"), e.getMessage());
    assertTrue(e.getMessage().contains("no libcuda.so.1 on the library path"), e.getMessage());
  }

  @Test
  void autoTakesTheHighestPriorityAvailableAndReportsSkippedOnes() {
    Fake cpu = Fake.available("cpu", 10);
    Fake other = Fake.available("other", 50);
    Backends b =
        new Backends(
            List.of(
                cpu,
                other,
                Fake.unavailable("cuda", 100, "no GPU found"),
                Fake.unavailable("rocm", 90, "no ROCm")));
    Backends.Selection s = b.select("auto");
    assertSame(other, s.provider());
    assertTrue(s.reason().contains("priority 50"), s.reason());
    assertTrue(s.reason().contains("cuda: no GPU found"), s.reason());
    assertTrue(s.reason().contains("rocm: no ROCm"), s.reason());
    assertFalse(
        s.reason().contains("cpu"), "providers below the choice are not probed: " + s.reason());
    String log = log();
    assertTrue(log.contains("backend probe cuda (priority 100): unavailable: no GPU found"), log);
    assertTrue(log.contains("backend probe rocm (priority 90): unavailable: no ROCm"), log);
    assertTrue(log.contains("backend probe other (priority 50): available"), log);
    assertTrue(log.contains("backend other selected"), log);
    if (System.getenv(Backends.ENV) == null) {
      assertSame(other, b.select(null).provider(), "no argument, property or variable: auto");
    }
  }

  @Test
  void aProbeThrowingAnErrorMakesTheBackendUnavailable() {
    Fake cuda = Fake.throwing("cuda", 100, new UnsatisfiedLinkError("libcuda.so.1: not found"));
    Fake broken = Fake.throwing("broken", 80, new IllegalStateException("driver too old"));
    Fake cpu = Fake.available("cpu", 10);
    Backends b = new Backends(List.of(cuda, broken, cpu));
    Backends.Selection s = b.select("auto");
    assertSame(cpu, s.provider());
    assertTrue(
        s.reason()
            .contains("cuda: probe failed: UnsatisfiedLinkError: libcuda.so.1: not" + " found"),
        s.reason());
    assertTrue(
        s.reason().contains("broken: probe failed: IllegalStateException: driver too old"),
        s.reason());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.select("cuda"));
    assertTrue(e.getMessage().contains("UnsatisfiedLinkError"), e.getMessage());
    Availability nullResult = Backends.safeProbe(new Fake("null", 1, null, null));
    assertFalse(nullResult.available());
    assertTrue(nullResult.reason().contains("no result"), nullResult.reason());
  }

  @Test
  void noAvailableBackendIsAnErrorListingEveryReason() {
    Backends b =
        new Backends(
            List.of(
                Fake.unavailable("cuda", 100, "no GPU"),
                Fake.unavailable("cpu", 10, "unsupported CPU")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> b.select("auto"));
    assertTrue(e.getMessage().contains("cuda: no GPU"), e.getMessage());
    assertTrue(e.getMessage().contains("cpu: unsupported CPU"), e.getMessage());
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> new Backends(List.of()).select("auto"));
    assertTrue(none.getMessage().contains("mtl4j-backend-cpu"), none.getMessage());
  }

  @Test
  void duplicateNamesAreRejected() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new Backends(
                    List.of(
                        Fake.available("cpu", 10),
                        Fake.available("gpu", 5),
                        Fake.available("cpu", 20))));
    assertTrue(e.getMessage().contains("'cpu'"), e.getMessage());
  }

  @Test
  void createUsesTheSelectedProvider() {
    Fake cpu = Fake.available("cpu", 10);
    Fake cuda = Fake.unavailable("cuda", 100, "no GPU");
    try (ComputeBackend backend =
        new Backends(List.of(cpu, cuda)).create("auto", BackendOptions.defaults())) {
      assertEquals("reference", backend.name());
    }
    assertEquals(1, cpu.created.get());
    assertEquals(0, cuda.created.get());
    assertThrows(NullPointerException.class, () -> new Backends(List.of(cpu)).create("cpu", null));
  }

  @Test
  void discoverUsesServiceLoader(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve(ComputeBackendProvider.class.getName()),
        "# a comment\n" + Registered.class.getName() + "\n");
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Backends b = Backends.discover(loader);
      assertTrue(b.names().contains("registered"), b.names().toString());
      assertEquals("registered", b.select("registered").provider().name());
    }
  }

  @Test
  void backendOptionsAreValidated() {
    assertThrows(
        IllegalArgumentException.class, () -> new BackendOptions(-1, 0, java.util.Map.of()));
    assertThrows(
        IllegalArgumentException.class, () -> new BackendOptions(0, -2, java.util.Map.of()));
    assertEquals(4, BackendOptions.defaults().withThreads(4).threads());
  }
}
