package org.mtl4j.integration.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;

/**
 * Invalid configs through {@code mtl4j train}: exit code 2, one line per error starting with its
 * path, no stack trace, and nothing written (no run folder).
 */
class InvalidConfigTest {
  @TempDir Path tmp;

  /** {description, text to replace in the base config, replacement, expected error paths}. */
  static Stream<Arguments> cases() {
    return Stream.of(
        c("seed is text", "seed: 7", "seed: abc", "seed"),
        c("seed is a list", "seed: 7", "seed: [1, 2]", "seed"),
        c("negative epochs", "epochs: 1,", "epochs: -3,", "training.epochs"),
        c("epochs not integer", "epochs: 1,", "epochs: 2.5,", "training.epochs"),
        c("zero batch size", "batch_size: 32", "batch_size: 0", "training.batch_size"),
        c("negative hidden size", "hidden: [16]", "hidden: [-16]", "model.hidden"),
        c("hidden is text", "hidden: [16]", "hidden: wide", "model.hidden"),
        c("lr NaN", "lr: 0.01", "lr: NaN", "optimizer.lr"),
        c("lr negative", "lr: 0.01", "lr: -0.01", "optimizer.lr"),
        c("unknown root key", "seed: 7", "seed: 7\ncolour: blue", "colour"),
        c("unknown training key", "batch_size: 32", "batch_size: 32, speed: 3", "training.speed"),
        c("unknown strategy", "strategy: hard", "strategy: bottom", "model.strategy"),
        c("unknown weighting", "method: equal", "method: magic", "weighting.method"),
        c("unknown optimizer", "name: adam", "name: lion", "optimizer.name"),
        c("unknown backend", "backend: cpu", "backend: tpu", "backend"),
        c("unknown data source", "source: csv", "source: parquet", "data.source"),
        c("empty task list", Configs.customersTasks(), "tasks: []\n", "tasks"),
        c("duplicate task names", "name: spend", "name: churn", "tasks[1].name"),
        c("task weight NaN", "label: churned,", "label: churned, weight: NaN,", "tasks[0].weight"),
        c(
            "task weight negative",
            "label: churned,",
            "label: churned, weight: -1,",
            "tasks[0].weight"),
        c("task type unknown", "type: binary", "type: binaryy", "tasks[0].type"),
        c("metric unknown", "[accuracy, auc]", "[accuracy, bleu]", "tasks[0].metrics"),
        c(
            "validation split above 1",
            "validation_split: 0.1",
            "validation_split: 1.5",
            "training.validation_split"),
        c("unknown activation", "activation: relu", "activation: swish2", "model.activation"),
        c("dropout above 1", "activation: relu", "activation: relu, dropout: 1.5", "model.dropout"),
        c(
            "unknown strategy option",
            "activation: relu",
            "activation: relu, options: {foo: 1}",
            "model.options.foo"),
        c(
            "unknown weighting option",
            "method: equal",
            "method: uncertainty, options: {bogus: 1}",
            "weighting.options.bogus"),
        c("run name with a slash", "name: customers", "name: 'a/b'", "name"),
        c("tasks is not a list", Configs.customersTasks(), "tasks: churn\n", "tasks", "tasks"),
        c("two errors at once", "seed: 7", "seed: abc\ncolour: blue", "seed", "colour"));
  }

  private static Arguments c(String what, String from, String to, String... paths) {
    return Arguments.of(what, from, to, List.of(paths));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void invalidConfigIsAUserErrorWithOneLinePerProblem(
      String what, String from, String to, List<String> paths) throws IOException {
    Path out = tmp.resolve("runs");
    String base = Configs.customers(out, 1);
    assertTrue(base.contains(from), "test bug: base config lacks '" + from + "'");
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(cfg, base.replace(from, to));

    CliRun r = CliRun.of("train", "-c", cfg.toString(), "-q");

    assertEquals(2, r.exitCode(), r.toString());
    assertFalse(r.err().contains("\tat "), "stack trace printed:\n" + r.err());
    assertFalse(r.err().contains("internal error"), r.err());
    List<String> lines =
        Arrays.stream(r.err().split("\n"))
            .map(l -> l.replaceFirst("^mtl4j: ", "").strip())
            .filter(l -> !l.isEmpty() && !l.matches("\\d+ problems in the config:"))
            .toList();
    assertEquals(paths.size(), lines.size(), "one line per error expected:\n" + r.err());
    for (String p : paths) {
      assertTrue(
          lines.stream().anyMatch(l -> l.startsWith(p + ":") || l.startsWith(p + "[")),
          "no line starts with path '" + p + "':\n" + r.err());
    }
    assertFalse(Files.exists(out), "a run folder was written for an invalid config");
  }

  @Test
  void missingDataFileIsAUserErrorNamingTheFile() throws IOException {
    Path out = tmp.resolve("runs");
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(
        cfg,
        Configs.customers(out, 1)
            .replace("examples/data/customers.csv", "examples/data/no-such.csv"));
    CliRun r = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("examples/data/no-such.csv"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertEquals(1, r.err().strip().split("\n").length, r.err());
  }

  @Test
  void missingDataFileIsReportedWithItsConfigPath() throws IOException {
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(
        cfg,
        Configs.customers(tmp.resolve("runs"), 1)
            .replace("examples/data/customers.csv", "examples/data/no-such.csv"));
    CliRun r = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().startsWith("mtl4j: data.options.path:"), r.err());
  }

  @Test
  void yamlNanLiteralIsReportedWithItsPath() throws IOException {
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(
        cfg,
        Configs.customers(tmp.resolve("runs"), 1)
            .replace("label: churned,", "label: churned, weight: .nan,"));
    CliRun r = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().startsWith("mtl4j: tasks[0].weight:"), r.err());
  }

  @Test
  void emptyFileIsReported() throws IOException {
    Path cfg = tmp.resolve("empty.yaml");
    Files.writeString(cfg, "");
    CliRun r = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("the config is empty"), r.err());
  }

  @Test
  void yamlSyntaxErrorNamesLineAndColumn() throws IOException {
    Path cfg = tmp.resolve("broken.yaml");
    Files.writeString(cfg, "name: x\ntasks: [{name: a\n");
    CliRun r = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("not valid YAML") && r.err().contains("line "), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  @Test
  void missingConfigFileIsReported() {
    Path cfg = tmp.resolve("nope.yaml");
    CliRun r = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains(cfg + ": no such config file"), r.err());
  }
}
