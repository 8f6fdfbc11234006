package org.mtl4j.api.options;

import java.util.List;
import java.util.Objects;

/**
 * One option a plugin accepts: its name, type, default and meaning, for validation and for {@code
 * mtl4j plugins}.
 *
 * @param name key in the plugin's options map
 * @param type value type
 * @param defaultValue the default (a String, Number, Boolean or List), or null when required
 * @param description one line for users
 * @param choices allowed values for {@link Type#CHOICE}, else empty
 */
public record OptionSpec(
    String name, Type type, Object defaultValue, String description, List<String> choices) {

  /** Value types of plugin options. */
  public enum Type {
    INT,
    DOUBLE,
    BOOLEAN,
    STRING,
    CHOICE,
    INT_LIST
  }

  public OptionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    choices = List.copyOf(choices);
  }

  public static OptionSpec ofInt(String name, int def, String description) {
    return new OptionSpec(name, Type.INT, def, description, List.of());
  }

  public static OptionSpec ofDouble(String name, double def, String description) {
    return new OptionSpec(name, Type.DOUBLE, def, description, List.of());
  }

  public static OptionSpec ofBoolean(String name, boolean def, String description) {
    return new OptionSpec(name, Type.BOOLEAN, def, description, List.of());
  }

  public static OptionSpec ofChoice(
      String name, String def, String description, String... choices) {
    return new OptionSpec(name, Type.CHOICE, def, description, List.of(choices));
  }

  public static OptionSpec ofIntList(String name, List<Integer> def, String description) {
    return new OptionSpec(name, Type.INT_LIST, def, description, List.of());
  }
}
