package org.mtl4j.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Downloads a file to a temporary name next to its destination, checks it with a caller-given
 * verifier, fsyncs it and renames it into place, so a cache never holds a partial file.
 */
public final class Downloader {
  /** Checks a downloaded file; throws {@link DataException} when it is not the expected one. */
  @FunctionalInterface
  public interface Verifier {
    void verify(Path downloaded, String url);
  }

  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(20))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  public void download(String url, Path destination, Verifier verifier) {
    Path tmp = null;
    try {
      Files.createDirectories(destination.toAbsolutePath().getParent());
      tmp =
          Files.createTempFile(
              destination.toAbsolutePath().getParent(),
              destination.getFileName().toString(),
              ".part");
      HttpRequest req =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5)).GET().build();
      HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = resp.body()) {
        if (resp.statusCode() != 200) {
          throw new DataException("download of " + url + " failed: HTTP " + resp.statusCode());
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
          in.transferTo(out);
        }
      }
      verifier.verify(tmp, url);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(
          tmp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
    } catch (IOException e) {
      throw new DataException("download of " + url + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataException("download of " + url + " was interrupted", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: a stale .part file is harmless
        }
      }
    }
  }
}
