package org.mtl4j.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.Mtl4j;

class ConfigReaderTest {
  private static final PluginCatalog CATALOG = Mtl4j.plugins();
  private final ConfigReader reader = new ConfigReader(CATALOG);

  private static final String VALID =
      """
      name: t
      seed: 7
      data: {source: fashion-mnist}
      tasks:
        - {name: category, type: multiclass, label: category}
        - {name: footwear, type: binary, label: footwear, weight: 0.5}
      model: {strategy: hard, hidden: [64, 32], tower: [16], activation: gelu, dropout: 0.1}
      weighting: {method: equal}
      optimizer: {name: adamw, lr: 1e-3, weight_decay: 0.01, clip_norm: 5,
                  schedule: {type: cosine, warmup_steps: 10}}
      training: {epochs: 3, batch_size: 32, validation_split: 0.2,
                 early_stopping: {metric: category.accuracy, patience: 2}}
      """;

  private List<String> errors(String yaml) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> reader.parse(yaml, "t.yaml", "t"));
    return e.errors();
  }

  @Test
  void readsAValidConfigWithDefaults() {
    Mtl4jConfig c = reader.parse(VALID, "t.yaml", "t");
    assertEquals("t", c.name());
    assertEquals("auto", c.backend());
    assertEquals(7, c.seed());
    assertEquals(2, c.tasks().size());
    assertEquals(TaskType.BINARY, c.tasks().get(1).type());
    assertEquals(0.5, c.tasks().get(1).weight());
    assertEquals(List.of("accuracy", "auc"), c.tasks().get(1).metrics());
    assertEquals(List.of(64, 32), c.model().hidden());
    assertEquals(Activation.GELU, c.model().activation());
    assertEquals(1e-3, c.optimizer().lr(), 1e-15);
    assertEquals("cosine", c.optimizer().schedule().type());
    assertEquals(10, c.optimizer().schedule().warmupSteps());
    assertEquals(5.0, c.optimizer().clipNorm());
    assertEquals("category", c.training().earlyStopping().task());
    assertEquals(true, c.data().options().get("download"));
    assertEquals("runs", c.output());
  }

  @Test
  void resolvedConfigReadsBackToTheSameConfig() {
    Mtl4jConfig c = reader.parse(VALID, "t.yaml", "t");
    String yaml = new ConfigWriter().toYaml(c);
    assertEquals(c, reader.parse(yaml, "resolved", "other"));
  }

  @Test
  void theDefaultExampleIsValid() {
    Mtl4jConfig c = reader.read(Path.of("..", "examples", "default.yaml"));
    assertEquals("hard", c.model().strategy());
    assertEquals(List.of(512, 256), c.model().hidden());
    assertEquals(5, c.training().epochs());
    assertEquals(256, c.training().batchSize());
  }

  @Test
  void reportsEveryErrorAtOnceWithPathValueAndExpectation() {
    List<String> e =
        errors(
            """
            data: {source: fashion-mnist}
            tasks:
              - {name: category, type: multiclass, label: category}
              - {name: shoe, type: multi-class, label: footwear}
            model: {strategy: hard, hidden: [64, -3], dropout: 1.5}
            optimizer: {name: rmsprop, lr: -1}
            training: {epochs: 0, batch_size: many}
            """);
    assertTrue(
        e.contains(
            "tasks[1].type: 'multi-class' is not one of multiclass, binary, regression,"
                + " multilabel"),
        e.toString());
    assertTrue(e.contains("model.hidden[1]: '-3' is not in [1, 1048576]"), e.toString());
    assertTrue(e.contains("model.dropout: '1.5' is not in [0.0, 1.0)"), e.toString());
    assertTrue(
        e.contains("optimizer.name: 'rmsprop' is not one of sgd, adam, adamw"), e.toString());
    assertTrue(e.contains("optimizer.lr: '-1' is not a number in (0, 1000000.0]"), e.toString());
    assertTrue(e.contains("training.epochs: '0' is not in [1, 1000000]"), e.toString());
    assertTrue(e.contains("training.batch_size: 'many' is not an integer"), e.toString());
    assertEquals(7, e.size(), e.toString());
  }

  @Test
  void unknownKeysAreErrors() {
    List<String> e =
        errors(
            """
            data: {source: fashion-mnist, dir: /tmp}
            tasks: [{name: c, type: multiclass, label: category, metric: accuracy}]
            modle: {}
            """);
    assertTrue(
        e.contains(
            "modle: unknown key; expected one of name, backend, seed, data, tasks,"
                + " model, weighting, optimizer, training, output, analysis"),
        e.toString());
    assertTrue(e.stream().anyMatch(s -> s.startsWith("data.dir: unknown key")), e.toString());
    assertTrue(
        e.stream().anyMatch(s -> s.startsWith("tasks[0].metric: unknown key")), e.toString());
  }

  @Test
  void pluginNamesResolveOnlyToDiscoveredProviders() {
    List<String> e =
        errors(
            """
            backend: org.evil.Backend
            data: {source: org.mtl4j.trainer.data.CsvSource}
            tasks: [{name: a, type: regression, label: a}]
            model: {strategy: com.example.MyStrategy}
            weighting: {method: magic}
            """);
    assertTrue(
        e.stream()
            .anyMatch(
                s ->
                    s.startsWith("backend: 'org.evil.Backend' is not one of auto, ")
                        && s.contains("cpu")),
        e.toString());
    assertTrue(
        e.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                        "data.source: 'org.mtl4j.trainer.data.CsvSource' is not one of csv,"
                            + " fashion-mnist, image-folder, multi-fashion, synthetic-mmoe")),
        e.toString());
    assertTrue(
        e.stream()
            .anyMatch(
                s ->
                    s.startsWith(
                        "model.strategy: 'com.example.MyStrategy'"
                            + " is not one of cgc, cross-stitch, dselect-k, hard,"
                            + " learning-to-branch, mmoe, mtan, ple, soft")),
        e.toString());
    assertTrue(
        e.stream()
            .anyMatch(
                s ->
                    s.startsWith("weighting.method: 'magic' is not one of") && s.contains("equal")),
        e.toString());
  }

  @Test
  void pluginOptionsAreCheckedAgainstTheProvidersOptionSpecs() {
    List<String> e =
        errors(
            """
            data: {source: synthetic-mmoe, options: {correlation: high, rows: 5}}
            tasks: [{name: a, type: regression, label: task1}]
            model: {strategy: mmoe, options: {experts: 2.5, gates: 3}}
            weighting: {method: dwa, options: {temperature: hot}}
            """);
    assertTrue(e.contains("data.options.correlation: 'high' is not a number"), e.toString());
    assertTrue(
        e.stream().anyMatch(s -> s.startsWith("data.options.rows: unknown option")), e.toString());
    assertTrue(e.contains("model.options.experts: '2.5' is not an integer"), e.toString());
    assertTrue(
        e.stream().anyMatch(s -> s.startsWith("model.options.gates: unknown option")),
        e.toString());
    assertTrue(e.contains("weighting.options.temperature: 'hot' is not a number"), e.toString());
  }

  @Test
  void taskLabelsTypesMetricsAndNamesAreChecked() {
    List<String> e =
        errors(
            """
            data: {source: fashion-mnist}
            tasks:
              - {name: a, type: multiclass, label: colour}
              - {name: b, type: regression, label: footwear}
              - {name: c, type: multiclass, label: category, metrics: [accuracy, rmse, top5]}
              - {name: c, type: multiclass, label: group}
              - {name: 'bad name', type: binary, label: footwear}
            """);
    assertTrue(
        e.contains(
            "tasks[0].label: 'colour' is not a label of fashion-mnist; known:"
                + " category, footwear, group"),
        e.toString());
    assertTrue(
        e.contains(
            "tasks[1].type: 'regression' does not suit label 'footwear'; expected"
                + " binary or multiclass"),
        e.toString());
    assertTrue(
        e.contains("tasks[2].metrics[1]: 'rmse' does not apply to multiclass tasks"), e.toString());
    assertTrue(
        e.stream().anyMatch(s -> s.startsWith("tasks[2].metrics[2]: 'top5' is not one" + " of")),
        e.toString());
    assertTrue(
        e.contains("tasks[3].name: 'c' is used by an earlier task; task names must be" + " unique"),
        e.toString());
    assertTrue(
        e.contains("tasks[4].name: 'bad name' must use only letters, digits, '-' and" + " '_'"),
        e.toString());
  }

  @Test
  void earlyStoppingMustNameAReportedMetricAndNeedsValidation() {
    List<String> e =
        errors(
            """
            data: {source: fashion-mnist}
            tasks: [{name: category, type: multiclass, label: category}]
            training: {validation_split: 0, early_stopping: {metric: category.auc}}
            """);
    assertTrue(
        e.contains(
            "training.early_stopping.metric: early stopping needs"
                + " training.validation_split > 0"),
        e.toString());
    assertTrue(
        e.contains(
            "training.early_stopping.metric: 'category.auc' names metric 'auc'"
                + " that task category does not report; expected one of loss, accuracy"),
        e.toString());
  }

  @Test
  void sgdOnlyOptionsAndNesterovNeedMomentum() {
    List<String> e =
        errors(
            """
            data: {source: fashion-mnist}
            tasks: [{name: category, type: multiclass, label: category}]
            optimizer: {name: adam, momentum: 0.9}
            """);
    assertEquals(List.of("optimizer.momentum: applies only to optimizer.name sgd, not 'adam'"), e);
    List<String> e2 =
        errors(
            """
            data: {source: fashion-mnist}
            tasks: [{name: category, type: multiclass, label: category}]
            optimizer: {name: sgd, nesterov: true}
            """);
    assertEquals(List.of("optimizer.nesterov: 'true' needs optimizer.momentum > 0"), e2);
  }

  @Test
  void missingSectionsAndBadYamlAreReported() {
    List<String> e = errors("seed: 1\n");
    assertTrue(e.contains("data.source: is required"), e.toString());
    assertTrue(e.contains("tasks: is required"), e.toString());
    ConfigException bad =
        assertThrows(ConfigException.class, () -> reader.parse("tasks: [unclosed", "x.yaml", "x"));
    assertTrue(bad.getMessage().startsWith("x.yaml:1: not valid YAML"), bad.getMessage());
    ConfigException missing =
        assertThrows(ConfigException.class, () -> reader.read(Path.of("no/such.yaml")));
    assertEquals("no/such.yaml: no such config file", missing.getMessage());
    assertFalse(errors("[1, 2]").isEmpty());
  }

  @Test
  void yamlNonFiniteLiteralsReachValidationWithTheirPath() {
    List<String> e =
        errors(
            """
            data: {source: fashion-mnist}
            tasks:
              - {name: category, type: multiclass, label: category, weight: .nan}
              - {name: footwear, type: binary, label: footwear, weight: NaN}
            model: {dropout: .inf}
            optimizer: {lr: -.INF, clip_norm: +.Inf}
            training: {epochs: .inf}
            """);
    assertEquals(
        List.of(
            "tasks[0].weight: 'NaN' is not a finite number",
            "tasks[1].weight: 'NaN' is not a finite number",
            "model.dropout: 'Infinity' is not a finite number",
            "optimizer.lr: '-Infinity' is not a finite number in (0, 1000000.0]",
            "optimizer.clip_norm: 'Infinity' is not a finite number",
            "training.epochs: 'Infinity' is not an integer"),
        e);
  }

  @Test
  void quotedNonFiniteLiteralsStayStringsAndFiniteNumbersStillParse() {
    Mtl4jConfig c =
        reader.parse(
            """
            name: '.nan'
            data: {source: fashion-mnist}
            tasks: [{name: category, type: multiclass, label: category, weight: 0.25}]
            optimizer: {lr: 1.5e-3, clip_norm: .5}
            """,
            "t.yaml",
            "t");
    assertEquals(".nan", c.name());
    assertEquals(0.25, c.tasks().get(0).weight());
    assertEquals(1.5e-3, c.optimizer().lr());
    assertEquals(0.5, c.optimizer().clipNorm());
  }

  @Test
  void standardizePositiveAndInitAreReadWrittenAndChecked() {
    String yaml =
        """
        data: {source: csv, options: {path: x.csv}}
        tasks:
          - {name: price, type: regression, label: price, standardize: false}
          - {name: rate, type: regression, label: rate}
          - {name: buys, type: binary, label: buys, positive: 'yes'}
          - {name: flag, type: binary, label: flag, positive: 1}
        model: {init: pytorch, init_bias: zero}
        """;
    Mtl4jConfig c = reader.parse(yaml, "t.yaml", "t");
    assertFalse(c.tasks().get(0).standardize());
    assertFalse(c.tasks().get(0).standardized());
    assertTrue(c.tasks().get(1).standardized());
    assertFalse(c.tasks().get(2).standardized());
    assertEquals("yes", c.tasks().get(2).positive());
    assertEquals("1", c.tasks().get(3).positive());
    assertEquals(null, c.tasks().get(1).positive());
    assertEquals(
        new org.mtl4j.api.nn.WeightInit(
            org.mtl4j.api.nn.WeightInit.Scheme.PYTORCH, org.mtl4j.api.nn.WeightInit.Bias.ZERO),
        c.model().init());
    String resolved = new ConfigWriter().toYaml(c);
    assertTrue(resolved.contains("standardize: false"), resolved);
    assertTrue(resolved.contains("init: pytorch"), resolved);
    assertEquals(c, reader.parse(resolved, "resolved", "other"));
    // defaults: standardised regression, the default initialisation
    Mtl4jConfig d = reader.parse(VALID, "t.yaml", "t");
    assertEquals(org.mtl4j.api.nn.WeightInit.DEFAULT, d.model().init());
  }

  @Test
  void newTaskAndModelKeysReportBadValues() {
    List<String> e =
        errors(
            """
            data: {source: csv, options: {path: x.csv}}
            tasks:
              - {name: price, type: regression, label: price, standardize: maybe, positive: 'a'}
              - {name: buys, type: binary, label: buys, standardize: true, positive: [a, b]}
            model: {init: kaiming, init_bias: random}
            """);
    assertTrue(e.contains("tasks[0].standardize: 'maybe' is not true or false"), e.toString());
    assertTrue(
        e.contains("tasks[0].positive: applies to binary tasks only, this task is regression"),
        e.toString());
    assertTrue(
        e.contains("tasks[1].standardize: applies to regression tasks only, this task is binary"),
        e.toString());
    assertTrue(e.contains("tasks[1].positive: '[\"a\",\"b\"]' is not a string"), e.toString());
    assertTrue(
        e.contains(
            "model.init: 'kaiming' is not one of auto, pytorch, he-uniform, he-normal,"
                + " xavier-uniform, xavier-normal"),
        e.toString());
    assertTrue(
        e.contains("model.init_bias: 'random' is not one of default, zero, uniform"), e.toString());
  }
}
