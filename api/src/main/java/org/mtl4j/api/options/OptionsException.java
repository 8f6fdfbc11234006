package org.mtl4j.api.options;

import java.util.List;

/** Invalid plugin options: every problem found, one line each with its path. */
public final class OptionsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final List<String> errors;

  public OptionsException(List<String> errors) {
    super(String.join("\n", errors));
    this.errors = List.copyOf(errors);
  }

  public List<String> errors() {
    return errors;
  }
}
