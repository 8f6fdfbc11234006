package org.mtl4j.trainer.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The files mtl4j wrote in one folder of a run, so that it removes only those: {@code .mtl4j-files}
 * in the folder, one name a line, a subfolder with a trailing {@code /} (which holds its own
 * manifest). A name is recorded before its file is written, so a file mtl4j wrote is always listed;
 * a listed file that is missing is harmless. Removal never follows a symbolic link: a listed name
 * that is now a link, and anything not listed, is left alone.
 */
public final class FileManifest {
  /** The manifest's file name. */
  public static final String FILE = ".mtl4j-files";

  private FileManifest() {}

  /** Whether {@code dir} has a manifest. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE), LinkOption.NOFOLLOW_LINKS);
  }

  /** The names recorded in {@code dir} (empty when it has no manifest). */
  public static TreeSet<String> names(Path dir) throws IOException {
    Path f = dir.resolve(FILE);
    TreeSet<String> out = new TreeSet<>();
    if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        if (valid(line)) {
          out.add(line);
        }
      }
    }
    return out;
  }

  /** Records {@code names} (file names, or subfolder names ending in {@code /}) in {@code dir}. */
  public static void record(Path dir, String... names) throws IOException {
    TreeSet<String> all = names(dir);
    boolean changed = !exists(dir);
    for (String n : names) {
      if (!valid(n)) {
        throw new IllegalArgumentException("not a plain file or folder name: " + n);
      }
      changed |= all.add(n);
    }
    if (changed) {
      write(dir, all);
    }
  }

  /** Deletes the recorded file {@code name} of {@code dir} (a regular file, never a link). */
  public static void remove(Path dir, String name) throws IOException {
    Path p = dir.resolve(name);
    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(p);
    }
    TreeSet<String> all = names(dir);
    if (all.remove(name)) {
      write(dir, all);
    }
  }

  /**
   * Deletes every file recorded in {@code dir} and, recursively, in its recorded subfolders, then
   * the manifests and the folders left empty. Unrecorded files, links and what they point to stay.
   */
  public static void removeAll(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    for (String n : names(dir)) {
      Path p = dir.resolve(n.endsWith("/") ? n.substring(0, n.length() - 1) : n);
      if (n.endsWith("/")) {
        removeAll(p);
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isEmpty(p)) {
          Files.delete(p);
        }
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(p);
      }
    }
    Files.deleteIfExists(dir.resolve(FILE));
  }

  /**
   * Deletes the temporary files that {@link AtomicFiles} leaves when a process is killed while
   * writing ({@code .<name>*.tmp}, regular files only) in {@code dir}; returns how many.
   */
  public static int removeStaleTemporaries(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          stale.add(p);
        }
      }
    }
    for (Path p : stale) {
      Files.deleteIfExists(p);
    }
    return stale.size();
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      return !ds.iterator().hasNext();
    }
  }

  private static void write(Path dir, TreeSet<String> names) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String n : names) {
      sb.append(n).append('\n');
    }
    AtomicFiles.write(dir.resolve(FILE), sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static boolean valid(String n) {
    String base = n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    return !base.isEmpty()
        && !base.equals(".")
        && !base.equals("..")
        && !base.equals(FILE)
        && base.indexOf('/') < 0
        && base.indexOf('\\') < 0
        && base.chars().noneMatch(Character::isISOControl);
  }
}
