package org.mtl4j.trainer.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;
import org.mtl4j.api.task.TaskType;

/**
 * A training config written in Java code instead of YAML: the same sections and keys as {@code
 * trainer/README.md} describes, validated by the same {@link ConfigReader} (defaults filled in,
 * every problem reported at once by a {@link ConfigException}).
 *
 * <pre>{@code
 * Mtl4jConfig config = Mtl4j.config("customers")
 *     .data("csv", Map.of("path", "customers.csv", "categorical", "plan,region"))
 *     .task("churn", TaskType.BINARY, "churned", "accuracy", "auc")
 *     .task("spend", TaskType.REGRESSION, "next_month_spend", "rmse")
 *     .strategy("mmoe", Map.of("experts", 4))
 *     .hidden(32, 16)
 *     .weighting("uncertainty")
 *     .set("training.epochs", 20)
 *     .build();
 * }</pre>
 */
public final class ConfigBuilder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ConfigReader reader;
  private final String name;
  private final ObjectNode root = JSON.createObjectNode();

  /**
   * @param reader validates the finished tree against the discovered plugins
   * @param name the run name (the folder under {@code output})
   */
  public ConfigBuilder(ConfigReader reader, String name) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.name = Objects.requireNonNull(name, "name");
    root.put("name", name);
  }

  /** The data source by name ({@code csv}, {@code fashion-mnist}, ...) and its options. */
  public ConfigBuilder data(String source, Map<String, ?> options) {
    ObjectNode data = root.putObject("data");
    data.put("source", source);
    data.set("options", JSON.valueToTree(options));
    return this;
  }

  /**
   * Adds a task, in network order.
   *
   * @param label a CSV column or a label the data source derives
   * @param metrics metric names; the first is the task's main metric (none: the type's default)
   */
  public ConfigBuilder task(String taskName, TaskType type, String label, String... metrics) {
    ArrayNode tasks = root.has("tasks") ? (ArrayNode) root.get("tasks") : root.putArray("tasks");
    ObjectNode t = tasks.addObject();
    t.put("name", taskName);
    t.put("type", type.configName());
    t.put("label", label);
    if (metrics.length > 0) {
      ArrayNode m = t.putArray("metrics");
      for (String metric : metrics) {
        m.add(metric);
      }
    }
    return this;
  }

  /** The sharing strategy ({@code hard}, {@code mmoe}, ...) with its options. */
  public ConfigBuilder strategy(String strategy, Map<String, ?> options) {
    ObjectNode model = section("model");
    model.put("strategy", strategy);
    if (!options.isEmpty()) {
      model.set("options", JSON.valueToTree(options));
    }
    return this;
  }

  /** The sharing strategy with its default options. */
  public ConfigBuilder strategy(String strategy) {
    return strategy(strategy, Map.of());
  }

  /** Widths of the shared (or per-expert, per-column) hidden layers. */
  public ConfigBuilder hidden(int... widths) {
    ArrayNode h = section("model").putArray("hidden");
    for (int w : widths) {
      h.add(w);
    }
    return this;
  }

  /** The task weighting method ({@code equal}, {@code uncertainty}, {@code pcgrad}, ...). */
  public ConfigBuilder weighting(String method, Map<String, ?> options) {
    ObjectNode w = section("weighting");
    w.put("method", method);
    if (!options.isEmpty()) {
      w.set("options", JSON.valueToTree(options));
    }
    return this;
  }

  /** The task weighting method with its default options. */
  public ConfigBuilder weighting(String method) {
    return weighting(method, Map.of());
  }

  /**
   * Any other key by its dotted path in the YAML layout, e.g. {@code set("training.epochs", 20)},
   * {@code set("optimizer.lr", 1e-3)}, {@code set("output", "runs")}.
   */
  public ConfigBuilder set(String path, Object value) {
    String[] parts = path.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.has(parts[i]) ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
    }
    node.set(parts[parts.length - 1], JSON.valueToTree(value));
    return this;
  }

  /** The tree as built so far (the YAML layout), for messages and tests. */
  public JsonNode tree() {
    return root.deepCopy();
  }

  /**
   * Validates the config.
   *
   * @throws ConfigException listing every problem, with its key path
   */
  public Mtl4jConfig build() {
    return reader.parse(root.deepCopy(), "config '" + name + "' (built in code)", name);
  }

  private ObjectNode section(String key) {
    return root.has(key) ? (ObjectNode) root.get(key) : root.putObject(key);
  }
}
