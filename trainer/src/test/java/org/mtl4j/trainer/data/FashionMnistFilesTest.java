package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locating and downloading the Fashion-MNIST files, against a loopback HTTP server. */
class FashionMnistFilesTest {
  @TempDir Path tmp;
  private HttpServer server;
  private final Map<String, byte[]> served = new HashMap<>();
  private final Map<String, String> sha = new HashMap<>();
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    Map<String, byte[]> raw =
        Map.of(
            FashionMnistFiles.TRAIN_IMAGES, IdxFixtures.images(20, 28),
            FashionMnistFiles.TRAIN_LABELS, IdxFixtures.labels(20),
            FashionMnistFiles.TEST_IMAGES, IdxFixtures.images(10, 28),
            FashionMnistFiles.TEST_LABELS, IdxFixtures.labels(10));
    for (var e : raw.entrySet()) {
      served.put(e.getKey(), IdxFixtures.gzip(e.getValue()));
      sha.put(e.getKey(), Sha256.of(e.getValue()));
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          requests.incrementAndGet();
          byte[] body = served.get(ex.getRequestURI().getPath().substring(1));
          if (body == null) {
            ex.sendResponseHeaders(404, -1);
          } else {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          }
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String mirror() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private FashionMnistFiles files(Map<String, String> env) {
    return new FashionMnistFiles(
        env::get, tmp.resolve("debian"), tmp.resolve("cache"), sha, new Downloader());
  }

  @Test
  void downloadsIntoTheCacheVerifiesAndReusesIt() {
    FashionMnistFiles f = files(Map.of());
    Path dir = f.locate("", true, mirror());
    assertEquals(tmp.resolve("cache"), dir);
    assertEquals(4, requests.get());
    FashionMnist data = FashionMnist.read(dir);
    assertEquals(20, data.trainImages().count());
    assertEquals(3, data.testLabels()[3]);
    f.locate("", true, mirror());
    assertEquals(4, requests.get(), "a filled cache is not downloaded again");
  }

  @Test
  void aCorruptDownloadIsRejectedAndLeavesNothingInTheCache() throws IOException {
    served.put(FashionMnistFiles.TEST_LABELS, IdxFixtures.gzip(IdxFixtures.labels(11)));
    DataException e =
        assertThrows(DataException.class, () -> files(Map.of()).locate("", true, mirror()));
    assertTrue(
        e.getMessage()
            .startsWith(mirror() + FashionMnistFiles.TEST_LABELS + ": SHA-256 of the content is "),
        e.getMessage());
    assertTrue(e.getMessage().contains("expected " + sha.get(FashionMnistFiles.TEST_LABELS)));
    assertFalse(Files.exists(tmp.resolve("cache").resolve(FashionMnistFiles.TEST_LABELS)));
    try (var s = Files.list(tmp.resolve("cache"))) {
      assertTrue(s.noneMatch(p -> p.toString().endsWith(".part")));
    }
  }

  @Test
  void searchOrderIsConfiguredDirThenEnvironmentThenSystemThenCache() throws IOException {
    IdxFixtures.writeFashion(tmp.resolve("env").resolve("fashion-mnist"), 4, 2);
    IdxFixtures.writeFashion(tmp.resolve("debian"), 4, 2);
    IdxFixtures.writeFashion(tmp.resolve("mine"), 4, 2);
    FashionMnistFiles f = files(Map.of("MTL4J_DATA", tmp.resolve("env").toString()));
    assertEquals(tmp.resolve("mine"), f.locate(tmp.resolve("mine").toString(), false, ""));
    assertEquals(tmp.resolve("env").resolve("fashion-mnist"), f.locate("", false, ""));
    assertEquals(tmp.resolve("debian"), files(Map.of()).locate("", false, ""));
    assertEquals(0, requests.get());
  }

  @Test
  void missingFilesWithoutDownloadAndIncompleteConfiguredDirAreErrors() throws IOException {
    DataException e =
        assertThrows(DataException.class, () -> files(Map.of()).locate("", false, mirror()));
    assertTrue(e.getMessage().startsWith("Fashion-MNIST files not found in "), e.getMessage());
    assertTrue(e.getMessage().endsWith("and data.options.download is false"));
    Files.createDirectories(tmp.resolve("partial"));
    Files.write(tmp.resolve("partial").resolve(FashionMnistFiles.TRAIN_IMAGES), new byte[1]);
    DataException e2 =
        assertThrows(
            DataException.class,
            () -> files(Map.of()).locate(tmp.resolve("partial").toString(), true, mirror()));
    assertEquals(
        "data.options.dir: "
            + tmp.resolve("partial")
            + " lacks "
            + String.join(
                ", ",
                List.of(
                    FashionMnistFiles.TRAIN_LABELS,
                    FashionMnistFiles.TEST_IMAGES,
                    FashionMnistFiles.TEST_LABELS)),
        e2.getMessage());
  }

  @Test
  void officialDigestsMatchTheInstalledDebianCopy() throws IOException {
    Path debian = FashionMnistFiles.DEBIAN_DIR;
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(debian));
    for (String f : FashionMnistFiles.FILES) {
      assertEquals(
          FashionMnistFiles.OFFICIAL_SHA256.get(f), Sha256.ofGunzipped(debian.resolve(f)), f);
    }
  }
}
