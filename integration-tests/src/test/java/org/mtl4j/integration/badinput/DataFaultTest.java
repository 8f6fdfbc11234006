package org.mtl4j.integration.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;

/**
 * Broken data files through {@code mtl4j train}: exit 2, one line naming the file and the position
 * (byte offset for IDX, line and column for CSV), no stack trace, no run folder written.
 */
class DataFaultTest {
  private static final int TRAIN = 60;
  private static final int TEST = 20;
  @TempDir Path tmp;

  // ---- IDX (Fashion-MNIST layout) ----

  private static byte[] images(int n, int declared) {
    ByteBuffer b = ByteBuffer.allocate(16 + n * 784);
    b.putInt(0x00000803).putInt(declared).putInt(28).putInt(28);
    for (int i = 0; i < n * 784; i++) {
      b.put((byte) (i * 31));
    }
    return b.array();
  }

  private static byte[] labels(int n, int magic, int badItem) {
    ByteBuffer b = ByteBuffer.allocate(8 + n);
    b.putInt(magic).putInt(n);
    for (int i = 0; i < n; i++) {
      b.put((byte) (i == badItem ? 12 : i % 10));
    }
    return b.array();
  }

  private static void gz(Path f, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    Files.write(f, bytes.toByteArray());
  }

  /** A valid IDX folder, then {@code damage} applied to one file. */
  private Path idxDir(byte[] trainImages, byte[] trainLabels) throws IOException {
    Path d = tmp.resolve("idx");
    Files.createDirectories(d);
    gz(d.resolve("train-images-idx3-ubyte.gz"), trainImages);
    gz(d.resolve("train-labels-idx1-ubyte.gz"), trainLabels);
    gz(d.resolve("t10k-images-idx3-ubyte.gz"), images(TEST, TEST));
    gz(d.resolve("t10k-labels-idx1-ubyte.gz"), labels(TEST, 0x00000801, -1));
    return d;
  }

  private CliRun trainIdx(Path dir) throws IOException {
    Path cfg = tmp.resolve("idx.yaml");
    Files.writeString(
        cfg,
        "name: idx\nbackend: cpu\n"
            + "data: {source: fashion-mnist, options: {dir: "
            + CliRun.yamlPath(dir)
            + ", download: false}}\n"
            + "tasks: [{name: category, type: multiclass, label: category}]\n"
            + "model: {strategy: hard, hidden: [8]}\n"
            + "training: {epochs: 1, batch_size: 16}\n"
            + "output: "
            + CliRun.yamlPath(tmp.resolve("runs"))
            + "\n");
    return CliRun.of("train", "-c", cfg.toString(), "-q");
  }

  private void assertUserError(CliRun r, String file, String position) {
    assertEquals(2, r.exitCode(), r.toString());
    assertFalse(r.err().contains("\tat "), "stack trace:\n" + r.err());
    assertEquals(1, r.err().strip().split("\n").length, "one line expected:\n" + r.err());
    assertTrue(r.err().contains(file), "file not named:\n" + r.err());
    assertTrue(
        Pattern.compile(position).matcher(r.err()).find(),
        "position /" + position + "/ not in:\n" + r.err());
    assertFalse(Files.exists(tmp.resolve("runs")), "a run folder was written");
  }

  @Test
  void validIdxFolderTrains() throws IOException {
    CliRun r = trainIdx(idxDir(images(TRAIN, TRAIN), labels(TRAIN, 0x00000801, -1)));
    assertEquals(0, r.exitCode(), r.toString());
  }

  @Test
  void truncatedIdxImages() throws IOException {
    byte[] full = images(TRAIN, TRAIN);
    byte[] cut = java.util.Arrays.copyOf(full, 16 + 30 * 784 + 100);
    CliRun r = trainIdx(idxDir(cut, labels(TRAIN, 0x00000801, -1)));
    assertUserError(
        r,
        "train-images-idx3-ubyte.gz",
        "truncated: the header declares \\d+ data bytes from byte offset 16");
  }

  @Test
  void wrongMagicNumber() throws IOException {
    CliRun r = trainIdx(idxDir(images(TRAIN, TRAIN), labels(TRAIN, 0x00000803, -1)));
    assertUserError(
        r, "train-labels-idx1-ubyte.gz", "wrong magic number 0x00000803 at byte offset 0");
  }

  @Test
  void labelOutOfRange() throws IOException {
    CliRun r = trainIdx(idxDir(images(TRAIN, TRAIN), labels(TRAIN, 0x00000801, 17)));
    assertUserError(
        r, "train-labels-idx1-ubyte.gz", "label 12 of item 17 \\(byte offset 25\\) is not in");
  }

  // ---- CSV ----

  private CliRun trainCsv(String csv) throws IOException {
    Path data = tmp.resolve("data.csv");
    Files.writeString(data, csv);
    Path cfg = tmp.resolve("csv.yaml");
    Files.writeString(
        cfg,
        Configs.customers(tmp.resolve("runs"), 1)
            .replace(
                CliRun.yamlPath(CliRun.repoRoot().resolve("examples/data/customers.csv")),
                CliRun.yamlPath(data)));
    return CliRun.of("train", "-c", cfg.toString(), "-q");
  }

  private static String customers(int rows) throws IOException {
    List<String> l = Files.readAllLines(CliRun.repoRoot().resolve("examples/data/customers.csv"));
    return String.join("\n", l.subList(0, rows + 1)) + "\n";
  }

  @Test
  void csvMissingLabelColumn() throws IOException {
    String csv = customers(100).replace(",next_month_spend\n", ",spend_next\n");
    assertUserError(
        trainCsv(csv),
        "data.csv",
        "tasks\\[1\\].label: 'next_month_spend' is not a column of .*data.csv; columns:"
            + " .*spend_next");
  }

  @Test
  void csvNonNumericCell() throws IOException {
    String[] lines = customers(100).split("\n");
    lines[7] = lines[7].replaceFirst("^(C\\d+),(\\d+),", "$1,forty,");
    CliRun r = trainCsv(String.join("\n", lines) + "\n");
    assertUserError(r, "data.csv", ":8.*'forty'.*not a number|:8.*age.*'forty'");
  }

  @Test
  void csvEmptyFile() throws IOException {
    assertUserError(trainCsv(""), "data.csv", ":1: the file is empty");
  }
}
