package org.mtl4j.api.options;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plugin's options as given in config, checked against its {@link OptionSpec}s: unknown keys,
 * wrong types and values outside the choices are reported all at once, each with its path (e.g.
 * {@code model.options.experts}), the value and what was expected.
 *
 * <p>The path is the caller's: the trainer parses a strategy's options at {@code model.options} and
 * a weighting method's at {@code weighting.options}, so a plugin that rejects a value after parsing
 * reports it with {@link #invalid(String, Object, String)} and never names a config path itself.
 */
public final class Options {
  private final Map<String, Object> values;
  private final String path;

  private Options(Map<String, Object> values, String path) {
    this.values = values;
    this.path = path;
  }

  /** No options given: every option takes its default. */
  public static Options defaults(List<OptionSpec> specs) {
    return parse(Map.of(), specs, "options");
  }

  /**
   * Validates {@code raw} against {@code specs} and fills in defaults.
   *
   * @param path where the map sits in the config, for messages
   * @throws OptionsException listing every problem
   */
  public static Options parse(Map<String, ?> raw, List<OptionSpec> specs, String path) {
    List<String> errors = new ArrayList<>();
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, OptionSpec> byName = new LinkedHashMap<>();
    for (OptionSpec s : specs) {
      byName.put(s.name(), s);
    }
    for (String key : raw.keySet()) {
      if (!byName.containsKey(key)) {
        errors.add(
            path
                + "."
                + key
                + ": unknown option; known: "
                + (byName.isEmpty() ? "(none)" : String.join(", ", byName.keySet())));
      }
    }
    for (OptionSpec s : specs) {
      Object v = raw.containsKey(s.name()) ? raw.get(s.name()) : s.defaultValue();
      String where = path + "." + s.name();
      if (v == null) {
        errors.add(where + ": required " + describe(s) + " is missing");
        continue;
      }
      Object coerced = coerce(v, s, where, errors);
      if (coerced != null) {
        out.put(s.name(), coerced);
      }
    }
    if (!errors.isEmpty()) {
      throw new OptionsException(errors);
    }
    return new Options(out, path);
  }

  private static String describe(OptionSpec s) {
    return switch (s.type()) {
      case INT -> "an integer";
      case DOUBLE -> "a number";
      case BOOLEAN -> "true or false";
      case STRING -> "a string";
      case CHOICE -> "one of " + String.join(", ", s.choices());
      case INT_LIST -> "a list of integers";
    };
  }

  private static Object coerce(Object v, OptionSpec s, String where, List<String> errors) {
    switch (s.type()) {
      case INT -> {
        if (v instanceof Number n && isInt(n)) {
          return n.intValue();
        }
      }
      case DOUBLE -> {
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
          return n.doubleValue();
        }
      }
      case BOOLEAN -> {
        if (v instanceof Boolean) {
          return v;
        }
      }
      case STRING -> {
        if (v instanceof String) {
          return v;
        }
      }
      case CHOICE -> {
        if (v instanceof String str && s.choices().contains(str)) {
          return str;
        }
      }
      case INT_LIST -> {
        if (v instanceof List<?> l) {
          List<Integer> ints = new ArrayList<>();
          for (Object o : l) {
            if (!(o instanceof Number n) || !isInt(n)) {
              errors.add(where + ": '" + o + "' in " + l + " is not an integer");
              return null;
            }
            ints.add(n.intValue());
          }
          return List.copyOf(ints);
        }
      }
    }
    errors.add(where + ": '" + v + "' is not " + describe(s));
    return null;
  }

  /** An integral number within the range of {@code int} (not truncated, not infinite). */
  private static boolean isInt(Number n) {
    double d = n.doubleValue();
    return d == Math.rint(d)
        && d >= Integer.MIN_VALUE
        && d <= Integer.MAX_VALUE
        && (!(n instanceof Long l) || l == (int) (long) l);
  }

  public int getInt(String name) {
    return (Integer) get(name);
  }

  public double getDouble(String name) {
    return (Double) get(name);
  }

  public boolean getBoolean(String name) {
    return (Boolean) get(name);
  }

  public String getString(String name) {
    return (String) get(name);
  }

  @SuppressWarnings("unchecked")
  public List<Integer> getIntList(String name) {
    return (List<Integer>) get(name);
  }

  private Object get(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("no option '" + name + "' was declared");
    }
    return values.get(name);
  }

  /** The resolved values (defaults included), for reports and checkpoints. */
  public Map<String, Object> asMap() {
    return Map.copyOf(values);
  }

  /** Where these options sit in the config (the path given to {@link #parse}). */
  public String path() {
    return path;
  }

  /**
   * A value range violation found by a plugin after parsing, reported at this map's path: {@code
   * <path>.<option>: '<value>' is not <expected>}.
   */
  public IllegalArgumentException invalid(String option, Object value, String expected) {
    return invalid(path, option, value, expected);
  }

  /**
   * A value range violation of the option map at {@code path}; see {@link #invalid(String, Object,
   * String)}.
   */
  public static IllegalArgumentException invalid(
      String path, String option, Object value, String expected) {
    return new OptionsException(
        List.of(path + "." + option + ": '" + value + "' is not " + expected));
  }
}
