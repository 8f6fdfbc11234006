package org.mtl4j.trainer.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointException;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.data.CsvTable;
import org.mtl4j.trainer.data.DataException;
import org.mtl4j.trainer.data.IdxReader;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * The fuzz targets of the input readers: each takes the bytes of one file, reads it as the trainer
 * does and lets only the reader's user error through (a config, data or checkpoint exception, which
 * the command line reports with exit 2). Any other exception or error is a finding. Each message
 * must also stay short (the readers quote user values as excerpts).
 */
final class FuzzTargets {
  /** The longest message a user error may print for one fuzz input. */
  static final int MAX_MESSAGE = 64 * 1024;

  private static final ConfigReader READER = new ConfigReader(Mtl4j.plugins());
  private static final Path DIR = tempDir();

  private FuzzTargets() {}

  /** A YAML config file. */
  static void config(byte[] data) {
    Path f = write("fuzz.yaml", data);
    try {
      READER.read(f);
    } catch (ConfigException | OptionsException e) {
      checkMessage(e);
    }
  }

  /** A CSV file, comma- or semicolon-separated (the first byte's low bit). */
  static void csv(byte[] data) {
    Path f = write("fuzz.csv", data);
    char delimiter = data.length > 0 && (data[0] & 1) == 1 ? ';' : ',';
    try {
      CsvTable t = CsvTable.read(f, delimiter);
      for (String[] row : t.rows()) {
        if (row.length != t.header().size()) {
          throw new AssertionError("a row of " + row.length + " fields was accepted");
        }
      }
    } catch (DataException e) {
      checkMessage(e);
    }
  }

  /** An IDX file, gzipped when it starts with the gzip magic, read as images and as labels. */
  static void idx(byte[] data) {
    boolean gz = data.length > 1 && (data[0] & 0xFF) == 0x1F && (data[1] & 0xFF) == 0x8B;
    Path f = write(gz ? "fuzz-idx.gz" : "fuzz-idx", data);
    try {
      IdxReader.Images im = IdxReader.readImages(f);
      if ((long) im.count() * im.rows() * im.cols() != im.pixels().length) {
        throw new AssertionError("images of a size other than their header's");
      }
    } catch (DataException e) {
      checkMessage(e);
    }
    try {
      IdxReader.readLabels(f, 10);
    } catch (DataException e) {
      checkMessage(e);
    }
  }

  /** A safetensors file. */
  static void safetensors(byte[] data) {
    Path f = write("fuzz.safetensors", data);
    try {
      SafeTensors.read(f);
    } catch (CheckpointException e) {
      checkMessage(e);
    }
  }

  /**
   * A checkpoint.json beside a valid pair of tensor files (those of {@link #seedCheckpoint}); a
   * checkpoint that loads has its config read as {@code evaluate} and {@code --resume} read it.
   */
  static void checkpointJson(byte[] data) {
    Path dir = checkpointDir();
    write(dir.resolve(CheckpointStore.METADATA), data);
    try {
      Checkpoint c = new CheckpointStore().load(dir);
      READER.parse(c.configYaml(), "checkpoint.json", "resumed");
    } catch (CheckpointException | ConfigException | OptionsException e) {
      checkMessage(e);
    }
  }

  /** The checkpoint whose tensor files the checkpoint.json target reads. */
  static Checkpoint seedCheckpoint() {
    EpochRecord r =
        new EpochRecord(
            1,
            Map.of("a", 0.5),
            Map.of("a", new TaskScores(0.4, Map.of("accuracy", 0.9))),
            List.of(1.0),
            1e-3,
            2.5);
    return new Checkpoint(
        "data: {source: synthetic-mmoe}\ntasks: [{name: task1, type: regression}]\n",
        42,
        1,
        10L,
        Map.of("w", new SafeTensors.Entry(new int[] {2, 2}, new float[] {1, 2, 3, 4})),
        Map.of("w/m", new float[] {0.1f, 0.2f, 0.3f, 0.4f}),
        Map.of("initial_losses", new double[] {2.3}),
        List.of(r),
        List.of(new Checkpoint.TaskInfo("a", "regression", 1)),
        Map.of("input_size", 2),
        0.9,
        1);
  }

  private static Path checkpointDir;

  private static synchronized Path checkpointDir() {
    if (checkpointDir == null) {
      Path d = DIR.resolve("checkpoint");
      new CheckpointStore().save(d, seedCheckpoint());
      checkpointDir = d;
    }
    return checkpointDir;
  }

  private static void checkMessage(RuntimeException e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      throw new AssertionError("a user error without a message", e);
    }
    if (m.length() > MAX_MESSAGE) {
      throw new AssertionError("a message of " + m.length() + " characters", e);
    }
  }

  private static Path write(String name, byte[] data) {
    return write(DIR.resolve(name), data);
  }

  private static Path write(Path f, byte[] data) {
    try {
      Files.write(f, data);
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path d) {
    try (var files = Files.walk(d)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder; the system cleans it eventually
    }
  }

  private static Path tempDir() {
    try {
      Path d = Files.createTempDirectory("mtl4j-fuzz");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
