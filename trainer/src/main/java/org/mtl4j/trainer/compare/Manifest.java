package org.mtl4j.trainer.compare;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.checkpoint.AtomicFiles;
import org.mtl4j.trainer.config.ConfigException;

/**
 * {@code compare/manifest.json}: the finished cells of a comparison grid with their per-epoch
 * scores, rewritten atomically after each cell, so that an interrupted grid resumes without
 * rerunning them. It records the SHA-256 of the base config; a grid of another config is refused.
 */
public final class Manifest {
  /** The file name in the {@code compare/} folder. */
  public static final String FILE = "manifest.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

  /** The file's content. */
  public record Content(String configSha256, Map<String, CellResult> cells) {
    public Content {
      cells = new LinkedHashMap<>(cells);
    }
  }

  private final Path file;
  private final String configSha256;
  private final Map<String, CellResult> cells;

  private Manifest(Path file, String configSha256, Map<String, CellResult> cells) {
    this.file = file;
    this.configSha256 = configSha256;
    this.cells = cells;
  }

  /**
   * The manifest in {@code compareDir}, or an empty one. A manifest of another config is a user
   * error naming the folder.
   */
  public static Manifest open(Path compareDir, String configSha256) {
    Path f = compareDir.resolve(FILE);
    if (!Files.isRegularFile(f)) {
      return new Manifest(f, configSha256, new LinkedHashMap<>());
    }
    Content c;
    try {
      c = JSON.readValue(f.toFile(), Content.class);
    } catch (IOException e) {
      throw new ConfigException(
          List.of(f + ": not a readable comparison manifest (" + e.getMessage() + ")"));
    }
    if (!configSha256.equals(c.configSha256())) {
      throw new ConfigException(
          List.of(
              f
                  + ": this grid was started from another config (or other --epochs/--seed);"
                  + " resume it with the same config, or choose another --name or -o"));
    }
    return new Manifest(f, configSha256, new LinkedHashMap<>(c.cells()));
  }

  public boolean has(String key) {
    return cells.containsKey(key);
  }

  public CellResult get(String key) {
    return cells.get(key);
  }

  public Map<String, CellResult> cells() {
    return java.util.Collections.unmodifiableMap(cells);
  }

  /** Records a finished cell and rewrites the file. */
  public void add(CellResult cell) {
    cells.put(cell.key(), cell);
    try {
      AtomicFiles.write(
          file, JSON.writeValueAsBytes(new Content(configSha256, new LinkedHashMap<>(cells))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
