package org.mtl4j.trainer.config;

import java.util.Optional;
import org.mtl4j.trainer.io.Excerpt;

/**
 * What a run name may be: the name of one folder under the output folder, the same for {@code
 * name:}, {@code --name}, the default taken from the config file's name, and every command that
 * reads a run back ({@code evaluate}, {@code predict}, {@code --resume}). One to {@link
 * #MAX_LENGTH} letters, digits, {@code .}, {@code -} and {@code _}, starting with a letter or
 * digit: no path separators, no {@code .} or {@code ..}, no hidden folders, no spaces or control
 * characters.
 */
public final class RunNames {
  /** The longest run name. */
  public static final int MAX_LENGTH = 100;

  private static final String RULE =
      "expected 1 to "
          + MAX_LENGTH
          + " letters, digits, '.', '-', '_' (one folder name: no spaces, separators, '.' or"
          + " '..')";

  private RunNames() {}

  /** What is wrong with {@code name} as a run name (its value quoted and the rule), or empty. */
  public static Optional<String> problem(String name) {
    if (name == null) {
      return Optional.of("no run name; " + RULE);
    }
    if (name.length() <= MAX_LENGTH
        && name.matches("[A-Za-z0-9._-]+")
        && !name.equals(".")
        && !name.equals("..")) {
      return Optional.empty();
    }
    return Optional.of("'" + Excerpt.of(name) + "' is not a run name; " + RULE);
  }
}
