package org.mtl4j.trainer.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The short fuzz run of every build: each target gets its committed corpus and a fixed number of
 * seeded mutations of it (byte flips, insertions, deletions, repeated and spliced chunks, boundary
 * integers), deterministically, in about a second each. Jazzer's coverage-guided runs ({@code
 * -Pfuzz}) go much further; this keeps the readers from regressing on inputs close to the corpus.
 */
class FuzzSmokeTest {
  private static final int MUTATIONS = 1500;

  @Test
  void config() throws Exception {
    run("ConfigFuzzTestInputs/config", FuzzTargets::config);
  }

  @Test
  void csv() throws Exception {
    run("CsvFuzzTestInputs/csv", FuzzTargets::csv);
  }

  @Test
  void idx() throws Exception {
    run("IdxFuzzTestInputs/idx", FuzzTargets::idx);
  }

  @Test
  void safetensors() throws Exception {
    run("SafeTensorsFuzzTestInputs/safetensors", FuzzTargets::safetensors);
  }

  @Test
  void checkpointJson() throws Exception {
    run("CheckpointJsonFuzzTestInputs/checkpointJson", FuzzTargets::checkpointJson);
  }

  private static void run(String corpus, Consumer<byte[]> target)
      throws IOException, URISyntaxException {
    List<byte[]> seeds = corpus(corpus);
    assertFalse(seeds.isEmpty(), corpus);
    for (byte[] s : seeds) {
      target.accept(s);
    }
    SplittableRandom rnd = new SplittableRandom(19);
    for (int i = 0; i < MUTATIONS; i++) {
      byte[] in = seeds.get(rnd.nextInt(seeds.size()));
      int rounds = 1 + rnd.nextInt(4);
      for (int k = 0; k < rounds; k++) {
        in = mutate(in, seeds.get(rnd.nextInt(seeds.size())), rnd);
      }
      try {
        target.accept(in);
      } catch (Throwable t) {
        throw new AssertionError("finding on mutation " + i + " of " + corpus + ": " + hex(in), t);
      }
    }
  }

  static byte[] mutate(byte[] in, byte[] other, SplittableRandom rnd) {
    byte[] out = in;
    int n = in.length;
    switch (rnd.nextInt(7)) {
      case 0 -> { // flip a byte
        if (n > 0) {
          out = in.clone();
          out[rnd.nextInt(n)] = (byte) rnd.nextInt(256);
        }
      }
      case 1 -> { // insert a byte that matters to the formats
        byte[] special = {
          '\n', '\r', '"', ',', ';', ':', '-', '&', '*', '!', '[', '{', 0, (byte) 0xFF, (byte) 0xC3
        };
        int at = rnd.nextInt(n + 1);
        out = new byte[n + 1];
        System.arraycopy(in, 0, out, 0, at);
        out[at] = special[rnd.nextInt(special.length)];
        System.arraycopy(in, at, out, at + 1, n - at);
      }
      case 2 -> { // delete a range
        if (n > 0) {
          int at = rnd.nextInt(n);
          int len = 1 + rnd.nextInt(Math.min(16, n - at));
          out = new byte[n - len];
          System.arraycopy(in, 0, out, 0, at);
          System.arraycopy(in, at + len, out, at, n - at - len);
        }
      }
      case 3 -> { // repeat a chunk
        if (n > 0) {
          int at = rnd.nextInt(n);
          int len = 1 + rnd.nextInt(Math.min(32, n - at));
          int times = 1 + rnd.nextInt(8);
          out = new byte[n + len * times];
          System.arraycopy(in, 0, out, 0, at + len);
          for (int t = 1; t <= times; t++) {
            System.arraycopy(in, at, out, at + len * t, len);
          }
          System.arraycopy(in, at + len, out, at + len * (times + 1), n - at - len);
        }
      }
      case 4 -> { // splice with another input
        int a = rnd.nextInt(n + 1);
        int b = rnd.nextInt(other.length + 1);
        out = new byte[a + other.length - b];
        System.arraycopy(in, 0, out, 0, a);
        System.arraycopy(other, b, out, a, other.length - b);
      }
      case 5 -> { // a boundary integer, big-endian (IDX) or little-endian (safetensors)
        if (n >= 4) {
          out = in.clone();
          int[] values = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 << 24, 2_700_000};
          int v = values[rnd.nextInt(values.length)];
          int at = rnd.nextInt(n - 3);
          boolean big = rnd.nextBoolean();
          for (int k = 0; k < 4; k++) {
            int shift = big ? 24 - 8 * k : 8 * k;
            out[at + k] = (byte) (v >>> shift);
          }
        }
      }
      default -> { // truncate
        out = java.util.Arrays.copyOf(in, rnd.nextInt(n + 1));
      }
    }
    return out;
  }

  private static List<byte[]> corpus(String dir) throws IOException, URISyntaxException {
    Path root = Path.of(FuzzSmokeTest.class.getResource(dir).toURI());
    List<byte[]> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(root)) {
      for (Path f : files.sorted().toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          out.add(in.readAllBytes());
        }
      }
    }
    return out;
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, 512); i++) {
      sb.append(String.format("%02x", b[i] & 0xFF));
    }
    return sb + (b.length > 512 ? "... (" + b.length + " bytes)" : "");
  }
}
