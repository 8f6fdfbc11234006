package org.mtl4j.trainer.cli;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Plugin jars for the command line: the jars in each {@code --plugins} folder (or the jar named),
 * in the {@code plugins/} folder of the mtl4j installation and in the folders or jars of the {@code
 * MTL4J_PLUGINS} environment variable (separated by the platform's path separator). They are loaded
 * by one class loader, made the thread's context class loader, so that {@link
 * java.util.ServiceLoader} discovery (strategies, weighting methods, data sources, backends) finds
 * their providers.
 */
final class PluginJars {
  /** The environment variable of extra plugin folders or jars. */
  static final String ENV = "MTL4J_PLUGINS";

  private PluginJars() {}

  /**
   * The jars to load, in order: {@code --plugins} paths, then {@code MTL4J_PLUGINS}, then {@code
   * home/plugins}.
   *
   * @param home the mtl4j installation (system property {@code mtl4j.home}), or null
   * @throws UserErrors.UsageException when a given path does not exist or holds no jar
   */
  static List<Path> find(List<Path> options, String env, Path home) {
    List<Path> jars = new ArrayList<>();
    for (Path p : options) {
      jars.addAll(jarsAt(p, "--plugins " + p, true));
    }
    if (env != null && !env.isBlank()) {
      for (String part : env.split(File.pathSeparator)) {
        if (!part.isBlank()) {
          jars.addAll(jarsAt(Path.of(part), ENV + " entry " + part, true));
        }
      }
    }
    if (home != null && Files.isDirectory(home.resolve("plugins"))) {
      jars.addAll(jarsAt(home.resolve("plugins"), home.resolve("plugins").toString(), false));
    }
    return jars.stream().distinct().toList();
  }

  /** A class loader over {@code jars} whose parent is {@code parent}. */
  static ClassLoader loader(List<Path> jars, ClassLoader parent) {
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      try {
        urls[i] = jars.get(i).toUri().toURL();
      } catch (MalformedURLException e) {
        throw new UserErrors.UsageException(jars.get(i) + ": not a usable jar path");
      }
    }
    return new URLClassLoader("mtl4j-plugins", urls, parent);
  }

  private static List<Path> jarsAt(Path p, String what, boolean required) {
    if (Files.isRegularFile(p)) {
      if (!p.getFileName().toString().endsWith(".jar")) {
        throw new UserErrors.UsageException(what + ": not a .jar file");
      }
      return List.of(p.toAbsolutePath());
    }
    if (!Files.isDirectory(p)) {
      throw new UserErrors.UsageException(what + ": no such folder or jar");
    }
    try (Stream<Path> files = Files.list(p)) {
      List<Path> jars =
          files
              .filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
              .map(Path::toAbsolutePath)
              .sorted()
              .toList();
      if (jars.isEmpty() && required) {
        throw new UserErrors.UsageException(what + ": the folder holds no .jar file");
      }
      return jars;
    } catch (IOException e) {
      throw new UserErrors.UsageException(what + ": cannot be listed: " + e.getMessage());
    }
  }
}
