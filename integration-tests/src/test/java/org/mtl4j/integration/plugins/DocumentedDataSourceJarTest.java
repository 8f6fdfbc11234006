package org.mtl4j.integration.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.GuideJar;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.data.DataSource;
import org.mtl4j.trainer.data.Dataset;
import org.mtl4j.trainer.testing.DataSourceContract;

/**
 * The data source of {@code docs/extending.md} (section 8, an ARFF reader), exactly as printed
 * there: compiled against mtl4j-api and mtl4j-trainer, packed into a jar, loaded by a class loader
 * of its own, checked against the conformance kit's {@link DataSourceContract}, listed by {@code
 * mtl4j plugins} and used by {@code mtl4j train}.
 */
class DocumentedDataSourceJarTest {
  @TempDir Path tmp;

  private Path buildJar() throws Exception {
    Map<String, String> blocks = GuideJar.mainBlocks("data-source file:");
    assertEquals(
        List.of(
            "src/main/java/com/example/mtl/data/ArffSource.java",
            "src/main/resources/META-INF/services/org.mtl4j.trainer.data.DataSource"),
        List.copyOf(blocks.keySet()),
        "the guide's data-source files changed; update this test");
    return GuideJar.build(
        tmp,
        blocks,
        List.of(org.mtl4j.api.options.OptionSpec.class, DataSource.class),
        "mtl-example-arff-1.0.0.jar");
  }

  /**
   * 400 rows of three uniform features; {@code kind} is the index of the largest feature, {@code
   * flag} whether x1 + x2 > 0, {@code amount} = 2 x1 - x3 + 0.5, missing in every tenth row.
   */
  private Path arff() throws Exception {
    StringBuilder s = new StringBuilder("% generated for DocumentedDataSourceJarTest\n");
    s.append("@relation measurements\n\n@attribute x1 numeric\n@attribute x2 real\n")
        .append("@attribute x3 numeric\n@attribute kind {a, b, c}\n@attribute flag {no,yes}\n")
        .append("@attribute amount numeric\n\n@data\n");
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 400; i++) {
      double[] x = {rnd.nextDouble(-1, 1), rnd.nextDouble(-1, 1), rnd.nextDouble(-1, 1)};
      int kind = x[0] >= x[1] && x[0] >= x[2] ? 0 : x[1] >= x[2] ? 1 : 2;
      s.append(String.format(Locale.ROOT, "%.4f,%.4f, %.4f,", x[0], x[1], x[2]))
          .append("abc".charAt(kind))
          .append(',')
          .append(x[0] + x[1] > 0 ? "yes" : "no")
          .append(',')
          .append(i % 10 == 0 ? "?" : String.format(Locale.ROOT, "%.4f", 2 * x[0] - x[2] + 0.5))
          .append('\n');
    }
    Path f = tmp.resolve("measurements.arff");
    Files.writeString(f, s);
    return f;
  }

  private String config(Path data, String options) {
    return "name: arff-run\nbackend: cpu\nseed: 7\n"
        + "data:\n  source: arff\n  options: {path: "
        + CliRun.yamlPath(data)
        + options
        + "}\n"
        + "tasks:\n"
        + "  - {name: kind, type: multiclass, label: kind, metrics: [accuracy]}\n"
        + "  - {name: flag, type: binary, label: flag, metrics: [accuracy]}\n"
        + "  - {name: amount, type: regression, label: amount, metrics: [rmse]}\n"
        + "model: {strategy: hard, hidden: [32], activation: relu}\n"
        + "weighting: {method: equal}\n"
        + "optimizer: {name: adam, lr: 0.01}\n"
        + "training: {epochs: 30, batch_size: 32, validation_split: 0.0}\n"
        + "output: "
        + CliRun.yamlPath(tmp.resolve("runs"))
        + "\n";
  }

  @Test
  void theGuidesArffSourceLoadsFromAJarMeetsTheContractAndTrains() throws Exception {
    Path jar = buildJar();
    Path data = arff();

    Dataset d =
        GuideJar.with(
            jar,
            () -> {
              DataSource arff = null;
              for (DataSource s :
                  ServiceLoader.load(
                      DataSource.class, Thread.currentThread().getContextClassLoader())) {
                if (s.name().equals("arff")) {
                  arff = s;
                }
              }
              assertTrue(arff != null, "ServiceLoader does not find the guide's source");
              return DataSourceContract.check(
                  arff,
                  Map.of("path", data.toString()),
                  List.of(
                      new TaskConfig("kind", TaskType.MULTICLASS, "kind", 1, List.of("accuracy")),
                      new TaskConfig("flag", TaskType.BINARY, "flag", 1, List.of("accuracy")),
                      new TaskConfig("amount", TaskType.REGRESSION, "amount", 1, List.of("rmse"))));
            });
    assertEquals(320, d.train().size());
    assertEquals(80, d.test().size());
    assertEquals(3, d.inputSize());
    assertEquals(3, d.tasks().get(0).outputSize());
    assertTrue(d.train().examples().mask("amount") != null, "missing amounts are masked");

    CliRun plugins = GuideJar.with(jar, () -> CliRun.of("plugins"));
    assertEquals(0, plugins.exitCode(), plugins.toString());
    assertTrue(plugins.out().contains("arff"), plugins.out());
    assertTrue(plugins.out().contains("test_split"), plugins.out());
    assertTrue(!CliRun.of("plugins").out().contains("arff"), "plugin leaked into the class path");

    Path yaml = tmp.resolve("arff.yaml");
    Files.writeString(yaml, config(data, ""));
    CliRun train = GuideJar.with(jar, () -> CliRun.of("train", "-c", yaml.toString(), "-q"));
    assertEquals(0, train.exitCode(), train.toString());
    double flag = DocumentedPluginJarTest.metric(train.out(), "flag", "accuracy");
    double kind = DocumentedPluginJarTest.metric(train.out(), "kind", "accuracy");
    assertTrue(flag > 0.85, "flag accuracy " + flag + "\n" + train.out());
    assertTrue(kind > 0.7, "kind accuracy " + kind + "\n" + train.out());

    Path misspelt = tmp.resolve("misspelt.yaml");
    Files.writeString(misspelt, config(data, ", tset_split: 0.3"));
    CliRun bad = GuideJar.with(jar, () -> CliRun.of("train", "-c", misspelt.toString(), "-q"));
    assertEquals(2, bad.exitCode(), bad.toString());
    assertTrue(bad.err().contains("data.options.tset_split: unknown option"), bad.err());

    CliRun unknown = CliRun.of("train", "-c", yaml.toString(), "-q");
    assertEquals(2, unknown.exitCode(), unknown.toString());
    assertTrue(unknown.err().contains("data.source: 'arff'"), unknown.err());
  }
}
