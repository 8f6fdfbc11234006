package org.mtl4j.integration.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;

/**
 * The example plugins of {@code docs/extending.md}, exactly as printed there: the blocks marked
 * {@code <!-- file: src/main/... -->} are extracted at test time, compiled with javax.tools against
 * mtl4j-api, packed into a jar and loaded by a {@link URLClassLoader}, as a user would ship them.
 * The CLI then lists them and trains a config that selects them by name.
 */
class DocumentedPluginJarTest {
  private static final Pattern BLOCK =
      Pattern.compile("<!-- file: (src/main/[^ ]+) -->\\s*```[a-z]*\\n(.*?)```", Pattern.DOTALL);

  @TempDir Path tmp;

  static Map<String, String> mainBlocks() throws IOException {
    String md = Files.readString(CliRun.repoRoot().resolve("docs/extending.md"));
    Map<String, String> files = new LinkedHashMap<>();
    Matcher m = BLOCK.matcher(md);
    while (m.find()) {
      files.put(m.group(1), m.group(2));
    }
    return files;
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
    Path src = tmp.resolve("plugin");
    List<String> javaFiles = new ArrayList<>();
    for (Map.Entry<String, String> e : blocks.entrySet()) {
      Path f = src.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.writeString(f, e.getValue());
      if (e.getKey().endsWith(".java")) {
        javaFiles.add(f.toString());
      }
    }
    Path classes = tmp.resolve("classes");
    Files.createDirectories(classes);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("--release", "17", "-Xlint:all", "-Werror"));
    args.addAll(List.of("-cp", apiClassPath(), "-d", classes.toString()));
    args.addAll(javaFiles);
    java.io.ByteArrayOutputStream diag = new java.io.ByteArrayOutputStream();
    int rc = javac.run(null, diag, diag, args.toArray(String[]::new));
    assertEquals(0, rc, "the guide's code does not compile:\n" + diag);

    Path jar = tmp.resolve("mtl-example-plugins-1.0.0.jar");
    Path resources = src.resolve("src/main/resources");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Path root : List.of(classes, resources)) {
        try (Stream<Path> walk = Files.walk(root)) {
          for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
            out.putNextEntry(new JarEntry(root.relativize(p).toString().replace('\\', '/')));
            Files.copy(p, (OutputStream) out);
            out.closeEntry();
          }
        }
      }
    }
    return jar;
  }

  /** Only mtl4j-api: the plugin must compile against the api alone. */
  private static String apiClassPath() {
    String api =
        org.mtl4j.api.sharing.SharingStrategyProvider.class
            .getProtectionDomain()
            .getCodeSource()
            .getLocation()
            .getPath();
    return new File(api).getPath();
  }

  private CliRun withPlugin(Path jar, String... args) throws IOException {
    Thread t = Thread.currentThread();
    ClassLoader saved = t.getContextClassLoader();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
      t.setContextClassLoader(loader);
      return CliRun.of(args);
    } finally {
      t.setContextClassLoader(saved);
    }
  }

  @Test
  void pluginsFromTheGuideAreNotOnTheTestClassPath() {
    assertEquals(
        null,
        getClass().getClassLoader().getResource("com/example/mtl/GeometricLossProvider.class"));
  }

  @Test
  void cliListsAndTrainsTheGuidesPluginsFromAJar() throws IOException {
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
