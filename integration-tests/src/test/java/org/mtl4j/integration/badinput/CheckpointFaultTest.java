package org.mtl4j.integration.badinput;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;
import org.mtl4j.trainer.checkpoint.CheckpointException;

/**
 * Damaged checkpoints through {@code mtl4j evaluate}: each is a user error (exit 2) naming the file
 * and the problem, and the damaged file itself is left as it was for inspection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointFaultTest {
  private Path tmp;
  private Path good;

  @BeforeAll
  void trainOnce(@TempDir Path dir) throws IOException {
    tmp = dir;
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(cfg, Configs.customers(tmp.resolve("runs"), 1));
    CliRun r = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertEquals(0, r.exitCode(), r.toString());
    good = tmp.resolve("runs/customers");
  }

  /** A fresh copy of the run folder. */
  private Path copy(String name) throws IOException {
    Path dst = tmp.resolve(name);
    try (Stream<Path> walk = Files.walk(good)) {
      for (Path p : walk.toList()) {
        Path t = dst.resolve(good.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    return dst;
  }

  private static String data() {
    return CliRun.repoRoot().resolve("examples/data/customers.csv").toString();
  }

  private static Path weights(Path run) throws IOException {
    try (Stream<Path> s = Files.walk(run)) {
      return s.filter(p -> p.getFileName().toString().startsWith("weights-e")).findFirst().get();
    }
  }

  @Test
  void intactCheckpointEvaluates() {
    CliRun r = CliRun.of("evaluate", good.toString(), "--data", data(), "-q");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("churn"), r.out());
  }

  @Test
  void flippedByteIsCaughtByTheChecksum() throws IOException {
    Path run = copy("flipped");
    Path w = weights(run);
    byte[] b = Files.readAllBytes(w);
    b[b.length - 3] ^= 0x10;
    Files.write(w, b);
    CliRun r = CliRun.of("evaluate", run.toString(), "--data", data(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains(w.getFileName().toString()), r.err());
    assertTrue(r.err().contains("SHA-256") && r.err().contains("corrupt"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertArrayEquals(b, Files.readAllBytes(w), "the damaged file was changed");
  }

  @Test
  void truncatedWeightsAreRejected() throws IOException {
    Path run = copy("truncated");
    Path w = weights(run);
    byte[] b = Files.readAllBytes(w);
    byte[] cut = java.util.Arrays.copyOf(b, b.length / 2);
    Files.write(w, cut);
    CliRun r = CliRun.of("evaluate", run.toString(), "--data", data(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains(w.getFileName().toString()), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void truncatedSafetensorsFileIsRejectedByItsOwnChecks() throws IOException {
    Path w = weights(good);
    byte[] b = Files.readAllBytes(w);
    Path cut = tmp.resolve("cut.safetensors");
    Files.write(cut, java.util.Arrays.copyOf(b, b.length - 4));
    CheckpointException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            CheckpointException.class, () -> org.mtl4j.trainer.checkpoint.SafeTensors.read(cut));
    assertTrue(e.getMessage().startsWith(cut + ": not a valid safetensors file: "), e.getMessage());
    assertTrue(
        e.getMessage()
            .matches(
                ".*: truncated: the header places tensor data up to byte \\d+ but the file holds"
                    + " \\d+ data bytes \\(4 missing\\)"),
        e.getMessage());
  }

  @Test
  void missingMetadataIsReported() throws IOException {
    Path run = copy("nometa");
    try (Stream<Path> s = Files.walk(run)) {
      Files.delete(s.filter(p -> p.endsWith("checkpoint.json")).findFirst().get());
    }
    CliRun r = CliRun.of("evaluate", run.toString(), "--data", data(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("no checkpoint.json"), r.err());
  }

  @Test
  void headerClaimingTwoToTheFortyBytesIsRejectedWithoutAllocating() throws IOException {
    Path f = tmp.resolve("huge.safetensors");
    byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(1L << 40).put(header);
    Files.write(f, buf.array());
    Runtime rt = Runtime.getRuntime();
    long before = rt.totalMemory() - rt.freeMemory();
    CheckpointException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            CheckpointException.class, () -> org.mtl4j.trainer.checkpoint.SafeTensors.read(f));
    long after = rt.totalMemory() - rt.freeMemory();
    assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "header length: "
                    + (1L << 40)
                    + " bytes in a safetensors JSON header exceed the limit"
                    + " safetensors.max_header_bytes"),
        e.getMessage());
    assertTrue(after - before < (64L << 20), "allocated " + (after - before) + " bytes");
  }
}
