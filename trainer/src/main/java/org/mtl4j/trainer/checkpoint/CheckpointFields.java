package org.mtl4j.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.mtl4j.trainer.config.TrainingConfig;
import org.mtl4j.trainer.io.Excerpt;

/**
 * The range checks of every value {@code checkpoint.json} holds, before any of it is used: a
 * checkpoint is a file anyone can edit, so a wrong number is a user error naming the field, its
 * value (shortened, escaped) and what was expected, never a bogus epoch loop, a huge allocation or
 * a stack trace.
 */
final class CheckpointFields {
  /** The largest input width (features per row) a checkpoint may declare. */
  static final int MAX_INPUT_SIZE = 1 << 24;

  /** The largest output size of one task. */
  static final int MAX_OUTPUT_SIZE = 1 << 20;

  private static final Set<String> TASK_TYPES =
      Set.of("multiclass", "binary", "regression", "multilabel");

  private final Path file;

  CheckpointFields(Path file) {
    this.file = file;
  }

  CheckpointException error(String field, JsonNode value, String expected) {
    String shown =
        value == null || value.isMissingNode()
            ? "missing"
            : "'" + Excerpt.of(value.isTextual() ? value.asText() : value.toString()) + "'";
    return new CheckpointException(file + ": " + field + ": " + shown + "; expected " + expected);
  }

  /** An integral number in [min, max] (a number written {@code 1e12} or {@code 2.5} is not). */
  long integer(JsonNode parent, String field, String path, long min, long max) {
    JsonNode v = parent.get(field);
    String expected = "an integer from " + min + " to " + max;
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
      throw error(
          path,
          v == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : v,
          expected);
    }
    long x = v.asLong();
    if (x < min || x > max) {
      throw error(path, v, expected);
    }
    return x;
  }

  /** The checkpoint's counters: completed epochs, steps and early stopping's bad epochs. */
  void counters(JsonNode m) {
    long epoch = integer(m, "epoch", "epoch", 0, TrainingConfig.MAX_EPOCHS);
    integer(m, "step", "step", 0, 1L << 53);
    integer(m, "seed", "seed", Long.MIN_VALUE, Long.MAX_VALUE);
    if (m.has("bad_epochs")) {
      integer(m, "bad_epochs", "bad_epochs", 0, epoch);
    }
    JsonNode best = m.get("best_score");
    if (best != null && !best.isNull() && !(best.isNumber() && Double.isFinite(best.asDouble()))) {
      throw error("best_score", best, "a finite number or null");
    }
  }

  /** Every task: a name, a known type, an output size in range. */
  void tasks(JsonNode tasks) {
    if (tasks == null || !tasks.isArray() || tasks.isEmpty()) {
      throw error("tasks", tasks, "a non-empty list of {name, type, outputSize}");
    }
    for (int i = 0; i < tasks.size(); i++) {
      JsonNode t = tasks.get(i);
      String p = "tasks[" + i + "]";
      if (!t.isObject()) {
        throw error(p, t, "an object {name, type, outputSize}");
      }
      text(t, "name", p + ".name");
      String type = text(t, "type", p + ".type");
      if (!TASK_TYPES.contains(type)) {
        throw error(p + ".type", t.get("type"), "one of " + String.join(", ", TASK_TYPES));
      }
      integer(t, "outputSize", p + ".outputSize", 1, MAX_OUTPUT_SIZE);
    }
  }

  /**
   * The preprocessing section: {@code input_size} in range; for CSV data a one-character {@code
   * delimiter} and {@code features} whose widths add up to {@code input_size}, each with a name,
   * {@code categorical}, finite {@code mean} and positive {@code std}, a list of {@code categories}
   * and an embedding width; the target scaling's statistics finite.
   */
  void preprocessing(JsonNode pre) {
    if (pre == null || !pre.isObject()) {
      throw error("preprocessing", pre, "an object with input_size");
    }
    long inputSize = integer(pre, "input_size", "preprocessing.input_size", 1, MAX_INPUT_SIZE);
    if (pre.has("delimiter")) {
      JsonNode d = pre.get("delimiter");
      if (!d.isTextual() || d.asText().length() != 1) {
        throw error("preprocessing.delimiter", d, "one character");
      }
    }
    if ("csv".equals(pre.path("format").asText())) {
      features(pre.get("features"), inputSize);
    }
    JsonNode ids = pre.get("id_columns");
    if (ids != null) {
      stringList(ids, "preprocessing.id_columns");
    }
    JsonNode scaling = pre.get("target_scaling");
    if (scaling != null) {
      if (!scaling.isObject()) {
        throw error("preprocessing.target_scaling", scaling, "an object {task: {mean, std}}");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = scaling.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String p = "preprocessing.target_scaling." + e.getKey();
        JsonNode mean = e.getValue().get("mean");
        JsonNode std = e.getValue().get("std");
        numbers(mean, p + ".mean", false);
        numbers(std, p + ".std", true);
        if (mean.size() != std.size()) {
          throw error(p + ".std", std, mean.size() + " values, as many as mean");
        }
      }
    }
  }

  private void features(JsonNode features, long inputSize) {
    String fp = "preprocessing.features";
    if (features == null || !features.isArray() || features.isEmpty()) {
      throw error(fp, features, "a non-empty list of the CSV feature columns");
    }
    long width = 0;
    for (int i = 0; i < features.size(); i++) {
      JsonNode f = features.get(i);
      String p = fp + "[" + i + "]";
      if (!f.isObject()) {
        throw error(p, f, "an object {name, categorical, mean, std, categories}");
      }
      text(f, "name", p + ".name");
      JsonNode cat = f.get("categorical");
      if (cat == null || !cat.isBoolean()) {
        throw error(p + ".categorical", cat, "true or false");
      }
      finite(f.get("mean"), p + ".mean", false);
      finite(f.get("std"), p + ".std", true);
      JsonNode cats = f.get("categories");
      stringList(cats, p + ".categories");
      if (cats.size() > MAX_INPUT_SIZE) {
        throw error(p + ".categories", cats, "at most " + MAX_INPUT_SIZE + " categories");
      }
      long embedding =
          f.has("embedding") ? integer(f, "embedding", p + ".embedding", 1, 1 << 16) : 0;
      width += cat.asBoolean() && embedding == 0 ? cats.size() : 1;
    }
    if (width != inputSize) {
      throw error(
          fp,
          com.fasterxml.jackson.databind.node.TextNode.valueOf(
              features.size() + " columns of width " + width),
          "columns whose widths add up to preprocessing.input_size " + inputSize);
    }
  }

  private String text(JsonNode parent, String field, String path) {
    JsonNode v = parent.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw error(path, v, "a non-empty string");
    }
    return v.asText();
  }

  private void stringList(JsonNode v, String path) {
    if (v == null || !v.isArray()) {
      throw error(path, v, "a list of strings");
    }
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw error(path, e, "a list of strings");
      }
    }
  }

  private void numbers(JsonNode v, String path, boolean positive) {
    if (v == null || !v.isArray() || v.isEmpty()) {
      throw error(path, v, "a non-empty list of finite numbers");
    }
    for (int i = 0; i < v.size(); i++) {
      finite(v.get(i), path + "[" + i + "]", positive);
    }
  }

  private void finite(JsonNode v, String path, boolean positive) {
    if (v == null
        || !v.isNumber()
        || !Double.isFinite(v.asDouble())
        || (positive && v.asDouble() <= 0)) {
      throw error(path, v, positive ? "a finite number > 0" : "a finite number");
    }
  }

  /**
   * Refuses a tensor holding NaN or an infinity, naming it: a model with non-finite weights
   * predicts NaN, and a metric over it would be meaningless.
   */
  static void requireFinite(Path tensorFile, String kind, Map<String, float[]> tensors) {
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      float[] d = e.getValue();
      for (int i = 0; i < d.length; i++) {
        if (!Float.isFinite(d[i])) {
          throw new CheckpointException(
              tensorFile
                  + ": "
                  + kind
                  + " tensor '"
                  + Excerpt.of(e.getKey())
                  + "' holds "
                  + d[i]
                  + " at index "
                  + i
                  + " of "
                  + d.length
                  + "; evaluate, predict and --resume refuse a checkpoint with non-finite values");
        }
      }
    }
  }
}
