package org.mtl4j.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtl4j.trainer.io.Excerpt;

/**
 * Typed, path-aware access to one YAML mapping that records every problem instead of stopping at
 * the first: unknown keys, missing keys, wrong types and values out of range.
 */
final class Fields {
  private final JsonNode node;
  private final String path;
  private final List<String> errors;

  Fields(JsonNode node, String path, List<String> errors) {
    this.node = node;
    this.path = path;
    this.errors = errors;
  }

  /** A mapping at {@code key}, or an empty one (with an error if it is present but not a map). */
  Fields object(String key) {
    JsonNode n = node.get(key);
    if (n != null && !n.isNull() && !n.isObject()) {
      error(key, Excerpt.quoted(text(n)) + " is not a mapping");
      n = null;
    }
    return new Fields(
        n == null || n.isNull()
            ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
            : n,
        at(key),
        errors);
  }

  /**
   * Whether the value at {@code key} is a plain string (not a mapping, list, number or boolean).
   */
  boolean isText(String key) {
    JsonNode n = node.get(key);
    return n != null && n.isTextual();
  }

  boolean has(String key) {
    return node.has(key) && !node.get(key).isNull();
  }

  /** The raw value at {@code key} (null when absent). */
  JsonNode node(String key) {
    return node.get(key);
  }

  String path() {
    return path;
  }

  String at(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  List<String> errors() {
    return errors;
  }

  /** Records a message that already starts with its path. */
  void raw(String message) {
    errors.add(message);
  }

  void error(String key, String message) {
    errors.add(at(key) + ": " + message);
  }

  /** Reports keys not in {@code known}. */
  void allowOnly(Set<String> known) {
    Iterator<String> it = node.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      if (!known.contains(k)) {
        errors.add(at(k) + ": unknown key; expected one of " + String.join(", ", known));
      }
    }
  }

  String string(String key, String def) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      if (def == null) {
        error(key, "is required");
      }
      return def;
    }
    if (!n.isValueNode() || n.isBoolean()) {
      error(key, Excerpt.quoted(text(n)) + " is not a string");
      return def;
    }
    return n.asText();
  }

  String choice(String key, String def, List<String> choices) {
    String s = string(key, def);
    if (s != null && !choices.contains(s)) {
      error(key, Excerpt.quoted(s) + " is not one of " + String.join(", ", choices));
      return def;
    }
    return s;
  }

  long longValue(String key, long def) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return def;
    }
    if (!n.isIntegralNumber()) {
      error(key, Excerpt.quoted(text(n)) + " is not an integer");
      return def;
    }
    if (!n.canConvertToLong()) {
      error(
          key,
          Excerpt.quoted(text(n)) + " is not in [" + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "]");
      return def;
    }
    return n.asLong();
  }

  int integer(String key, int def, int min, int max) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return def;
    }
    if (!n.isIntegralNumber()) {
      error(key, Excerpt.quoted(text(n)) + " is not an integer");
      return def;
    }
    if (!n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
      error(key, Excerpt.quoted(text(n)) + " is not in [" + min + ", " + max + "]");
      return def;
    }
    return n.asInt();
  }

  /** A number in the given range; {@code maxOpen} excludes the upper bound. */
  double number(String key, double def, double min, double max, boolean maxOpen) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return def;
    }
    Double v = asDouble(n);
    if (v == null || !Double.isFinite(v)) {
      error(key, Excerpt.quoted(text(n)) + " is not a " + (v == null ? "number" : "finite number"));
      return def;
    }
    if (v < min || v > max || (maxOpen && v == max)) {
      error(
          key, Excerpt.quoted(text(n)) + " is not in [" + min + ", " + max + (maxOpen ? ")" : "]"));
      return def;
    }
    return v;
  }

  /** A number in {@code (0, max]}. */
  double positive(String key, double def, double max) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return def;
    }
    Double v = asDouble(n);
    if (v == null || !Double.isFinite(v) || v <= 0 || v > max) {
      String finite = v == null || Double.isFinite(v) ? "" : "finite ";
      error(key, Excerpt.quoted(text(n)) + " is not a " + finite + "number in (0, " + max + "]");
      return def;
    }
    return v;
  }

  boolean bool(String key, boolean def) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return def;
    }
    if (!n.isBoolean()) {
      error(key, Excerpt.quoted(text(n)) + " is not true or false");
      return def;
    }
    return n.asBoolean();
  }

  /**
   * A list of integers in {@code [min, max]} with between {@code minSize} and {@code maxSize}
   * entries.
   */
  List<Integer> intList(String key, List<Integer> def, int min, int max, int minSize, int maxSize) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return def;
    }
    if (!n.isArray()) {
      error(key, Excerpt.quoted(text(n)) + " is not a list of integers");
      return def;
    }
    if (n.size() < minSize || n.size() > maxSize) {
      error(
          key,
          (n.size() == 0 ? "is empty" : "has " + n.size() + " entries")
              + "; expected "
              + (minSize == maxSize ? minSize : "between " + minSize + " and " + maxSize)
              + " sizes");
      return def;
    }
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (!e.isIntegralNumber()) {
        errors.add(at(key) + "[" + i + "]: " + Excerpt.quoted(text(e)) + " is not an integer");
      } else if (!e.canConvertToInt() || e.asInt() < min || e.asInt() > max) {
        errors.add(
            at(key)
                + "["
                + i
                + "]: "
                + Excerpt.quoted(text(e))
                + " is not in ["
                + min
                + ", "
                + max
                + "]");
      } else {
        out.add(e.asInt());
      }
    }
    return out;
  }

  List<String> stringList(String key, List<String> def) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      return def;
    }
    if (!n.isArray()) {
      error(key, Excerpt.quoted(text(n)) + " is not a list");
      return def;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (!e.isTextual()) {
        errors.add(at(key) + "[" + i + "]: '" + text(e) + "' is not a string");
      } else {
        out.add(e.asText());
      }
    }
    return out;
  }

  /** The raw list at {@code key} (empty, with an error, when it is not a list). */
  List<JsonNode> list(String key, boolean required) {
    JsonNode n = node.get(key);
    if (n == null || n.isNull()) {
      if (required) {
        error(key, "is required");
      }
      return List.of();
    }
    if (!n.isArray()) {
      error(key, Excerpt.quoted(text(n)) + " is not a list");
      return List.of();
    }
    List<JsonNode> out = new ArrayList<>();
    n.forEach(out::add);
    return out;
  }

  /** A plugin options mapping as plain Java values for {@link org.mtl4j.api.options.Options}. */
  Map<String, Object> plainMap(String key) {
    JsonNode n = node.get(key);
    Map<String, Object> out = new LinkedHashMap<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isObject()) {
      error(key, Excerpt.quoted(text(n)) + " is not a mapping");
      return out;
    }
    n.fields().forEachRemaining(e -> out.put(e.getKey(), plain(e.getValue())));
    return out;
  }

  static Object plain(JsonNode n) {
    if (n.isIntegralNumber()) {
      return n.canConvertToInt() ? (Object) n.asInt() : (Object) n.asLong();
    }
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(e -> l.add(plain(e)));
      return l;
    }
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> m.put(e.getKey(), plain(e.getValue())));
      return m;
    }
    if (n.isTextual()) {
      Double d = asDouble(n);
      // YAML 1.1 reads 1e-3 as a string; treat an exponent literal as the number it means
      return d != null && n.asText().matches("[-+]?[0-9.]+[eE][-+]?[0-9]+")
          ? (Object) d
          : n.asText();
    }
    return null;
  }

  private static Double asDouble(JsonNode n) {
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isTextual()) {
      String s = n.asText().trim();
      if (s.matches("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?")) {
        return Double.parseDouble(s);
      }
      // NaN and infinities spelt as text (YAML 1.1 reads NaN and Infinity as strings) are numbers,
      // though not finite ones, so that they are reported as such
      if (s.matches("(?i)\\.?nan")) {
        return Double.NaN;
      }
      if (s.matches("(?i)[-+]?\\.?inf(inity)?")) {
        return s.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      }
    }
    return null;
  }

  /** The value as text for a message (callers pass it through {@link Excerpt}). */
  static String text(JsonNode n) {
    if (n.isContainerNode() && n.size() > Excerpt.MAX_CHARS) {
      return (n.isArray() ? "a list of " : "a mapping of ") + n.size() + " entries";
    }
    return n.isValueNode() ? n.asText() : n.toString();
  }
}
