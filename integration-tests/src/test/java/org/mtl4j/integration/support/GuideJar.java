package org.mtl4j.integration.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
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
import java.util.concurrent.Callable;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds a plugin jar from the code blocks of {@code docs/extending.md}, exactly as printed there,
 * and runs code with it on the context class loader, as a user who ships the jar would.
 */
public final class GuideJar {
  private GuideJar() {}

  /**
   * The guide's blocks marked {@code <!-- MARKER src/main/... -->}, by path, in document order.
   *
   * @param marker {@code "file:"} for the strategy and weighting examples, {@code "data-source
   *     file:"} for the data source
   */
  public static Map<String, String> mainBlocks(String marker) throws IOException {
    Pattern block =
        Pattern.compile(
            "<!-- " + Pattern.quote(marker) + " (src/main/[^ ]+) -->\\s*```[a-z]*\\n(.*?)```",
            Pattern.DOTALL);
    String md = Files.readString(CliRun.repoRoot().resolve("docs/extending.md"));
    Map<String, String> files = new LinkedHashMap<>();
    Matcher m = block.matcher(md);
    while (m.find()) {
      files.put(m.group(1), m.group(2));
    }
    return files;
  }

  /** Where the class file (or jar) of {@code type} was loaded from. */
  public static String locationOf(Class<?> type) {
    return new File(type.getProtectionDomain().getCodeSource().getLocation().getPath()).getPath();
  }

  /**
   * Compiles the blocks' Java files against {@code classPath} (with {@code -Xlint:all -Werror}) and
   * packs classes and resources into {@code tmp/jarName}.
   */
  public static Path build(
      Path tmp, Map<String, String> blocks, List<Class<?>> classPath, String jarName)
      throws IOException {
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
    String cp =
        classPath.stream()
            .map(GuideJar::locationOf)
            .distinct()
            .collect(Collectors.joining(File.pathSeparator));
    args.addAll(List.of("-cp", cp, "-d", classes.toString()));
    args.addAll(javaFiles);
    ByteArrayOutputStream diag = new ByteArrayOutputStream();
    int rc = javac.run(null, diag, diag, args.toArray(String[]::new));
    assertEquals(0, rc, "the guide's code does not compile:\n" + diag);

    Path jar = tmp.resolve(jarName);
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

  /** Runs {@code body} with {@code jar} on the context class loader, as ServiceLoader sees it. */
  public static <T> T with(Path jar, Callable<T> body) throws Exception {
    Thread t = Thread.currentThread();
    ClassLoader saved = t.getContextClassLoader();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, GuideJar.class.getClassLoader())) {
      t.setContextClassLoader(loader);
      return body.call();
    } finally {
      t.setContextClassLoader(saved);
    }
  }
}
