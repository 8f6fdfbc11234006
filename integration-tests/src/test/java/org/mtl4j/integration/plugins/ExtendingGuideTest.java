package org.mtl4j.integration.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;
import org.mtl4j.integration.support.PrivateRepository;

/**
 * {@code docs/extending.md} step by step, as a user with a fresh clone follows it: the guide's
 * install command (run as printed, into a private local repository so that the shared ~/.m2 keeps
 * its artifacts), the plugin project made of every file the guide prints, {@code mvn verify} in it
 * (which runs the guide's contract tests), then {@code mtl4j --plugins DIR} lists and trains with
 * the jar it built.
 */
class ExtendingGuideTest {
  private static final Pattern FILE =
      Pattern.compile("<!-- file: ([^ ]+) -->\\s*```[a-z]*\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern INSTALL = Pattern.compile("(?m)^(\\./mvnw install[^#\\n]*)");

  @TempDir Path tmp;

  @Test
  void theGuideWorksFromAFreshCloneWithPluginsFromAFolder() throws Exception {
    Path root = CliRun.repoRoot();
    String guide = Files.readString(root.resolve("docs/extending.md"));
    Path repo = tmp.resolve("m2");
    List<String> privateRepo =
        List.of(
            "-B",
            "-q",
            "-ntp",
            "-Dmaven.repo.local=" + repo,
            "-Dmaven.repo.local.tail=" + PrivateRepository.sharedRepository());

    Matcher install = INSTALL.matcher(guide);
    assertTrue(install.find(), "the guide prints no ./mvnw install command");
    List<String> cmd = new ArrayList<>(Arrays.asList(install.group(1).trim().split("\\s+")));
    cmd.set(0, root.resolve("mvnw").toString());
    cmd.addAll(privateRepo);
    cmd.add("-Dmaven.javadoc.skip=true");
    run(root, cmd);
    assertTrue(
        Files.isRegularFile(
            repo.resolve("org/mtl4j/mtl4j-api/0.1.0-SNAPSHOT/mtl4j-api-0.1.0-SNAPSHOT-tests.jar")),
        "the install command did not install the api test-jar");

    Path project = tmp.resolve("plugin-project");
    Matcher m = FILE.matcher(guide);
    List<String> written = new ArrayList<>();
    while (m.find()) {
      Path f = project.resolve(m.group(1));
      Files.createDirectories(f.getParent());
      Files.writeString(f, m.group(2));
      written.add(m.group(1));
    }
    assertTrue(written.contains("pom.xml") && written.size() >= 8, "guide files: " + written);
    List<String> verify = new ArrayList<>(List.of(root.resolve("mvnw").toString()));
    verify.addAll(privateRepo);
    verify.add("verify");
    run(project, verify);
    Path target = project.resolve("target");
    assertTrue(Files.isRegularFile(target.resolve("mtl-example-plugins-1.0.0.jar")));

    CliRun plugins = CliRun.of("--plugins", target.toString(), "plugins");
    assertEquals(0, plugins.exitCode(), plugins.toString());
    assertTrue(plugins.out().contains("bottleneck"), plugins.out());
    assertTrue(plugins.out().contains("geometric"), plugins.out());

    Path yaml = tmp.resolve("plugins.yaml");
    Files.writeString(
        yaml,
        Configs.customers(tmp.resolve("runs"), 4)
            .replace(
                "model: {strategy: hard, hidden: [16], activation: relu}",
                "model: {strategy: bottleneck, options: {width: 4}, hidden: [16], tower: [8],"
                    + " activation: relu}")
            .replace(
                "weighting: {method: equal}",
                "weighting: {method: geometric, options: {epsilon: 1.0e-8}}"));
    CliRun train = CliRun.of("--plugins", target.toString(), "train", "-c", yaml.toString(), "-q");
    assertEquals(0, train.exitCode(), train.toString());
    assertTrue(DocumentedPluginJarTest.metric(train.out(), "churn", "accuracy") > 0.5, train.out());

    CliRun missing = CliRun.of("--plugins", tmp.resolve("nowhere").toString(), "plugins");
    assertEquals(2, missing.exitCode(), missing.toString());
    assertTrue(missing.err().contains("no such folder or jar"), missing.err());
  }

  private static void run(Path dir, List<String> cmd) throws Exception {
    Path log = Files.createTempFile("guide", ".log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd + "\n" + Files.readString(log));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), cmd + " failed:\n" + out);
  }
}
