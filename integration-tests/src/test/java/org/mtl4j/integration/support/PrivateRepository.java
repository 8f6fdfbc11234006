package org.mtl4j.integration.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A private Maven local repository holding this build's mtl4j artifacts, laid out as {@code ./mvnw
 * install} lays them out, made from the reactor's compiled classes and poms. Projects built against
 * it (with the shared repository as a read-only tail, {@code -Dmaven.repo.local.tail}) see exactly
 * this checkout's artifacts, and nothing is installed into the shared {@code ~/.m2}.
 */
public final class PrivateRepository {
  /** The published modules the trainer needs at run time: folder and artifact id. */
  private static final List<String[]> MODULES =
      List.of(
          new String[] {"api", "mtl4j-api"},
          new String[] {"backend-cpu", "mtl4j-backend-cpu"},
          new String[] {"backend-cuda", "mtl4j-backend-cuda"},
          new String[] {"sharing-strategies", "mtl4j-sharing-strategies"},
          new String[] {"trainer", "mtl4j-trainer"});

  public static final String VERSION = "0.1.0-SNAPSHOT";

  private PrivateRepository() {}

  /** Writes the parent pom, the BOM and each module's jar and pom under {@code repo}. */
  public static void install(Path repo) throws IOException {
    Path root = CliRun.repoRoot();
    copyPom(root.resolve("pom.xml"), repo, "mtl4j-parent");
    copyPom(root.resolve("bom/pom.xml"), repo, "mtl4j-bom");
    for (String[] m : MODULES) {
      Path module = root.resolve(m[0]);
      Path classes = module.resolve("target/classes");
      if (!Files.isDirectory(classes)) {
        throw new IllegalStateException(classes + " is missing: build the reactor first");
      }
      copyPom(module.resolve("pom.xml"), repo, m[1]);
      jar(classes, dir(repo, m[1]).resolve(m[1] + "-" + VERSION + ".jar"));
    }
  }

  /** The shared local repository (the build passes its own; else ~/.m2/repository). */
  public static Path sharedRepository() {
    String configured = System.getProperty("mtl4j.test.m2");
    return configured != null && !configured.isBlank()
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  private static Path dir(Path repo, String artifactId) throws IOException {
    Path d = repo.resolve("org/mtl4j").resolve(artifactId).resolve(VERSION);
    Files.createDirectories(d);
    return d;
  }

  private static void copyPom(Path pom, Path repo, String artifactId) throws IOException {
    Files.copy(
        pom,
        dir(repo, artifactId).resolve(artifactId + "-" + VERSION + ".pom"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static void jar(Path classes, Path jar) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> walk = Files.walk(classes)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, (OutputStream) out);
        out.closeEntry();
      }
    }
  }
}
