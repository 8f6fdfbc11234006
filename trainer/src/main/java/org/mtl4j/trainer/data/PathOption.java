package org.mtl4j.trainer.data;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.mtl4j.api.options.Options;

/**
 * A data source option that names a file or folder on the local file system. {@link Datasets}
 * checks every such option before the source loads, so that a wrong path is reported with its place
 * in the config, the value and what was expected (e.g. {@code data.options.path: 'data/x.csv': no
 * such file (looked for /home/me/data/x.csv); expected a CSV file with a header line}) instead of
 * as an I/O failure deep in the loading. A blank value means "not given" and is not checked (the
 * source then uses its default).
 *
 * @param name the option's name among the source's {@link DataSource#options()}, a string option
 * @param kind whether the value must be a file or a folder
 * @param expected what the path should lead to, for messages (e.g. "a CSV file with a header line")
 */
public record PathOption(String name, Kind kind, String expected) {
  public PathOption {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(expected, "expected");
  }

  /** What a path option must name. */
  public enum Kind {
    FILE,
    FOLDER
  }

  /** A file option. */
  public static PathOption file(String name, String expected) {
    return new PathOption(name, Kind.FILE, expected);
  }

  /** A folder option. */
  public static PathOption folder(String name, String expected) {
    return new PathOption(name, Kind.FOLDER, expected);
  }

  /**
   * The problems of {@code options}' path values, one line each starting with its config path.
   *
   * @param path where the options sit in the config, e.g. {@code data.options}
   */
  public static List<String> problems(List<PathOption> specs, Options options, String path) {
    List<String> out = new ArrayList<>();
    for (PathOption p : specs) {
      p.problem(options.getString(p.name()), path).ifPresent(out::add);
    }
    return out;
  }

  /** What is wrong with {@code value} for this option, or empty when it is blank or fits. */
  Optional<String> problem(String value, String path) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String where = path + "." + name + ": '" + value + "'";
    String tail = "; expected " + expected;
    Path p;
    try {
      p = Path.of(value);
    } catch (InvalidPathException e) {
      return Optional.of(where + ": not a valid path (" + e.getReason() + ")" + tail);
    }
    String resolved = p.isAbsolute() ? "" : " (looked for " + p.toAbsolutePath().normalize() + ")";
    if (!Files.exists(p)) {
      return Optional.of(where + ": no such " + noun() + resolved + tail);
    }
    if (kind == Kind.FILE && Files.isDirectory(p)) {
      return Optional.of(where + ": is a folder, not a file" + resolved + tail);
    }
    if (kind == Kind.FOLDER && !Files.isDirectory(p)) {
      return Optional.of(where + ": is a file, not a folder" + resolved + tail);
    }
    if (!Files.isReadable(p)) {
      return Optional.of(where + ": the " + noun() + " cannot be read" + resolved + tail);
    }
    return Optional.empty();
  }

  private String noun() {
    return kind == Kind.FILE ? "file" : "folder";
  }
}
