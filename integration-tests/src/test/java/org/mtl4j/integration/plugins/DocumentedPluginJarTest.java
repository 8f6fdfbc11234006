package org.mtl4j.integration.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;
import org.mtl4j.integration.support.GuideJar;

/**
 * The example plugins of {@code docs/extending.md}, exactly as printed there: the blocks marked
 * {@code <!-- file: src/main/... -->} are extracted at test time, compiled with javax.tools against
 * mtl4j-api, packed into a jar and loaded by a {@link URLClassLoader}, as a user would ship them.
 * The CLI then lists them and trains a config that selects them by name.
 */
class DocumentedPluginJarTest {
  @TempDir Path tmp;

  static Map<String, String> mainBlocks() throws IOException {
    return GuideJar.mainBlocks("file:");
  }

  private Path buildJar() throws IOException {
    Map<String, String> blocks = mainBlocks();
    assertEquals(
        List.of(
            "src/main/java/com/example/mtl/BottleneckSharingProvider.java",
            "src/main/java/com/example/mtl/GeometricLossProvider.java",
            "src/main/resources/META-INF/services/org.mtl4j.api.sharing.SharingStrategyProvider",
            "src/main/resources/META-INF/services/org.mtl4j.api.weighting.TaskWeightingProvider"),
        List.copyOf(blocks.keySet()),
        "the guide's main files changed; update this test");
    // only mtl4j-api: the plugin must compile against the api alone
    return GuideJar.build(
        tmp,
        blocks,
        List.of(org.mtl4j.api.sharing.SharingStrategyProvider.class),
        "mtl-example-plugins-1.0.0.jar");
  }

  private CliRun withPlugin(Path jar, String... args) throws Exception {
    return GuideJar.with(jar, () -> CliRun.of(args));
  }

  @Test
  void pluginsFromTheGuideAreNotOnTheTestClassPath() {
    assertEquals(
        null,
        getClass().getClassLoader().getResource("com/example/mtl/GeometricLossProvider.class"));
  }

  @Test
  void cliListsAndTrainsTheGuidesPluginsFromAJar() throws Exception {
    Path jar = buildJar();

    CliRun plugins = withPlugin(jar, "plugins");
    assertEquals(0, plugins.exitCode(), plugins.toString());
    assertTrue(plugins.out().contains("bottleneck"), plugins.out());
    assertTrue(plugins.out().contains("geometric"), plugins.out());
    assertTrue(plugins.out().contains("width"), plugins.out());

    CliRun without = CliRun.of("plugins");
    assertTrue(!without.out().contains("bottleneck"), "plugin leaked into the plain class path");

    Path out = tmp.resolve("runs");
    String cfg =
        Configs.customers(out, 8)
            .replace(
                "model: {strategy: hard, hidden: [16], activation: relu}",
                "model: {strategy: bottleneck, options: {width: 4}, hidden: [16], tower: [8],"
                    + " activation: relu}")
            .replace(
                "weighting: {method: equal}",
                "weighting: {method: geometric, options: {epsilon: 1.0e-8}}");
    Path yaml = tmp.resolve("plugins.yaml");
    Files.writeString(yaml, cfg);

    CliRun train = withPlugin(jar, "train", "-c", yaml.toString(), "-q");
    assertEquals(0, train.exitCode(), train.toString());
    double acc = metric(train.out(), "churn", "accuracy");
    double rmse = metric(train.out(), "spend", "rmse");
    assertTrue(acc > 0.6, "churn accuracy " + acc + "\n" + train.out());
    assertTrue(Double.isFinite(rmse) && rmse > 0, "spend rmse " + rmse);
    String savedConfig = Files.readString(out.resolve("customers").resolve("config.yaml"));
    assertTrue(
        savedConfig.contains("bottleneck") && savedConfig.contains("geometric"), savedConfig);

    CliRun unknown = CliRun.of("train", "-c", yaml.toString(), "-q");
    assertEquals(2, unknown.exitCode(), unknown.toString());
    assertTrue(unknown.err().contains("model.strategy: 'bottleneck'"), unknown.err());
    assertTrue(unknown.err().contains("weighting.method: 'geometric'"), unknown.err());
  }

  /** A metric from the {@code test results} table that {@code mtl4j train} prints. */
  public static double metric(String out, String task, String metric) {
    Matcher m =
        Pattern.compile("(?m)^  " + Pattern.quote(task) + " .*?" + metric + " ([-0-9.NaIf]+)")
            .matcher(out.substring(out.indexOf("test results")));
    assertTrue(m.find(), "no " + task + " " + metric + " in:\n" + out);
    return Double.parseDouble(m.group(1));
  }
}
