package org.mtl4j.integration.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.PrivateRepository;

/**
 * {@code examples/embedding}, a Maven project outside the reactor, is built against this checkout's
 * artifacts (installed into a private repository, never the shared ~/.m2) through the BOM, and run:
 * it trains from Java code and predicts. Its class path carries the binding it chose (slf4j-jdk14)
 * and no slf4j-simple: the library brings slf4j-api only.
 */
class EmbeddingExampleTest {
  @TempDir Path tmp;

  @Test
  void theExampleBuildsAgainstTheInstalledArtifactsTrainsAndPredicts() throws Exception {
    Path root = CliRun.repoRoot();
    Path repo = tmp.resolve("m2");
    PrivateRepository.install(repo);
    Path project = tmp.resolve("embedding");
    copyTree(root.resolve("examples/embedding"), project);

    Path cpFile = project.resolve("target/classpath.txt");
    run(
        project,
        240,
        root.resolve(isWindows() ? "mvnw.cmd" : "mvnw").toString(),
        "-B",
        "-q",
        "-ntp",
        "-Dmaven.repo.local=" + repo,
        "-Dmaven.repo.local.tail=" + PrivateRepository.sharedRepository(),
        "package",
        "dependency:build-classpath",
        "-Dmdep.outputFile=" + cpFile);
    String classPath = Files.readString(cpFile).trim();
    List<String> jars = List.of(classPath.split(File.pathSeparator));
    assertTrue(
        jars.stream().anyMatch(j -> j.startsWith(repo.toString()) && j.contains("mtl4j-trainer")),
        "the trainer does not come from the private repository: " + classPath);
    assertTrue(jars.stream().anyMatch(j -> j.contains("slf4j-jdk14")), classPath);
    assertFalse(
        jars.stream().anyMatch(j -> j.contains("slf4j-simple")),
        "a library forced slf4j-simple onto the application: " + classPath);

    Path runs = tmp.resolve("runs");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String out =
        run(
            project,
            240,
            java,
            "-Xmx2g",
            "-cp",
            project.resolve("target/embedding-example-1.0.0.jar") + File.pathSeparator + classPath,
            "com.example.embedding.CustomersExample",
            root.resolve("examples/data/customers.csv").toString(),
            runs.toString());
    assertTrue(out.contains("epoch 8 train loss"), out);
    assertTrue(out.contains("test churn {"), out);
    int rows = Files.readAllLines(root.resolve("examples/data/customers.csv")).size() - 1;
    assertTrue(out.contains("predicted " + rows + " rows"), out);
    List<String> predictions = Files.readAllLines(runs.resolve("predictions.csv"));
    assertEquals(rows + 1, predictions.size());
    assertEquals("churn,churn_p,spend", predictions.get(0));
    assertTrue(Files.isRegularFile(runs.resolve("customers-mmoe/summary.json")), "no run folder");
  }

  private static boolean isWindows() {
    return System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("win");
  }

  private static String run(Path dir, int seconds, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(command));
    Path log = Files.createTempFile("embedding", ".log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + cmd + "\n" + Files.readString(log));
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), cmd + " failed:\n" + out);
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (var walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        if (p.toString().contains(File.separator + "target")) {
          continue;
        }
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest);
        }
      }
    }
  }
}
