package org.mtl4j.trainer.config;

import java.util.List;
import org.mtl4j.trainer.io.Excerpt;

/**
 * An invalid configuration: every problem found, one line each, starting with its path in the
 * config (e.g. {@code tasks[1].type: 'multi-class' is not one of multiclass, binary, ...}).
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final List<String> errors;

  public ConfigException(List<String> errors) {
    super(
        Excerpt.message(
            errors.size() == 1
                ? errors.get(0)
                : errors.size() + " problems in the config:\n  " + String.join("\n  ", errors)));
    this.errors = errors.stream().map(Excerpt::message).toList();
  }

  /** Each problem, one line with its path. */
  public List<String> errors() {
    return errors;
  }
}
