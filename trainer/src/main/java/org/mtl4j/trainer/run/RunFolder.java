package org.mtl4j.trainer.run;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.FileManifest;
import org.mtl4j.trainer.config.RunNames;
import org.mtl4j.trainer.io.Excerpt;

/**
 * A run folder ({@code <output>/<name>}) as a small database with one writer.
 *
 * <ul>
 *   <li>The name is one folder name ({@link RunNames}); a relative {@code output} must stay inside
 *       the working folder, an absolute one is used as it is; {@code output} and the run folder
 *       must be folders, the run folder and its {@code checkpoint/} no symbolic links.
 *   <li>One writer: {@link #open} takes an exclusive lock on {@code .lock} in the folder (a {@link
 *       FileChannel} lock, released when the process ends however it ends) and writes its pid
 *       there; a second training of the same folder, in another process or this one, is refused
 *       with the holder's pid.
 *   <li>A new run never replaces a run silently: {@link #holdsRun} tells whether the folder holds
 *       one (a config, summary or checkpoint); {@link #clear} removes it only on purpose, and only
 *       the files its {@link FileManifest}s record, never through a link.
 *   <li>Temporary files of a killed writer ({@code .*.tmp}) are removed when the folder is opened.
 * </ul>
 */
public final class RunFolder implements AutoCloseable {
  /** The lock file in every run folder. */
  public static final String LOCK = ".lock";

  /** The folders a run writes into, below the run folder, cleaned of stale temporaries. */
  private static final String[] SUBFOLDERS = {"checkpoint"};

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;
  private final Path created;

  /**
   * @param created the outermost folder {@link #open} created (the run folder or an ancestor), or
   *     null: removed again on {@link #close} when the run wrote nothing
   */
  private RunFolder(Path dir, FileChannel channel, FileLock lock, Path created) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
    this.created = created;
  }

  /**
   * The run folder of {@code output} and {@code name}, checked but not created.
   *
   * @throws RunFolderException naming the value and the rule it breaks
   */
  public static Path resolve(String output, String name) {
    RunNames.problem(name).ifPresent(p -> fail("name: " + p));
    if (output == null || output.isEmpty()) {
      throw new RunFolderException("output: empty; expected the folder that holds run folders");
    }
    if (output.chars().anyMatch(Character::isISOControl)) {
      throw new RunFolderException(
          "output: '" + Excerpt.of(output) + "' holds control characters; expected a folder");
    }
    Path out;
    try {
      out = Path.of(output);
    } catch (InvalidPathException e) {
      throw new RunFolderException(
          "output: '" + Excerpt.of(output) + "' is not a valid path (" + e.getReason() + ")");
    }
    if (!out.isAbsolute()) {
      Path normal = out.normalize();
      if (normal.startsWith("..")) {
        throw new RunFolderException(
            "output: '"
                + Excerpt.of(output)
                + "' leads outside the working folder "
                + Path.of("").toAbsolutePath()
                + "; a relative output must stay inside it (give an absolute path to write"
                + " elsewhere)");
      }
    }
    return out.resolve(name);
  }

  /**
   * Opens {@code <output>/<name>} for writing: checks it, creates it, takes its lock and removes
   * stale temporaries. Close it (or end the process) to release the lock.
   */
  public static RunFolder open(String output, String name) {
    return open(resolve(output, name));
  }

  /**
   * Opens a run folder given as a path (a baseline's, a seed's), as {@link #open(String, String)}.
   */
  public static RunFolder open(Path dir) {
    Path parent = dir.toAbsolutePath().getParent();
    if (Files.exists(parent) && !Files.isDirectory(parent)) {
      throw new RunFolderException(
          "output: " + parent + " is not a folder; expected the folder that holds run folders");
    }
    if (Files.isSymbolicLink(dir)) {
      throw new RunFolderException(
          dir
              + ": is a symbolic link; a run folder must be a real folder (mtl4j never writes"
              + " through links)");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new RunFolderException(
          dir + ": exists and is not a folder; remove it or choose another --name");
    }
    for (String sub : SUBFOLDERS) {
      Path s = dir.resolve(sub);
      if (Files.isSymbolicLink(s) || (Files.exists(s) && !Files.isDirectory(s))) {
        throw new RunFolderException(
            s
                + ": is "
                + (Files.isSymbolicLink(s) ? "a symbolic link" : "not a folder")
                + "; mtl4j writes a run's "
                + sub
                + " only into a real folder it created");
      }
    }
    Path created = null;
    for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
      created = p;
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new RunFolderException(dir + ": cannot create the run folder: " + reason(e), e);
    }
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              dir.resolve(LOCK),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new RunFolderException(dir + ": cannot be written (" + reason(e) + ")", e);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      close(ch);
      throw new RunFolderException(dir + ": cannot be locked (" + reason(e) + ")", e);
    }
    if (lock == null) {
      String holder = holder(ch);
      close(ch);
      throw new RunFolderException(
          dir
              + ": in use by another training (pid "
              + holder
              + (holder.equals(Long.toString(ProcessHandle.current().pid()))
                  ? ", this process"
                  : "")
              + "); wait for it to finish or train under another --name");
    }
    RunFolder f = new RunFolder(dir, ch, lock, created);
    try {
      byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(pid), 0);
      FileManifest.removeStaleTemporaries(dir);
      for (String sub : SUBFOLDERS) {
        FileManifest.removeStaleTemporaries(dir.resolve(sub));
      }
    } catch (IOException e) {
      f.close();
      throw new RunFolderException(dir + ": cannot be written (" + reason(e) + ")", e);
    }
    return f;
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      int n = ch.read(b, 0);
      String s = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).trim();
      return s.matches("\\d{1,19}") ? s : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  public Path dir() {
    return dir;
  }

  /** Whether the folder holds a run: its config, summary or a checkpoint. */
  public boolean holdsRun() {
    return Files.isRegularFile(dir.resolve("config.yaml"), LinkOption.NOFOLLOW_LINKS)
        || Files.isRegularFile(dir.resolve("summary.json"), LinkOption.NOFOLLOW_LINKS)
        || CheckpointStore.exists(dir.resolve("checkpoint"));
  }

  /**
   * Removes the run the folder holds: every file its manifests record (reports, checkpoint,
   * baselines), nothing else, never through a link.
   *
   * @throws RunFolderException when the folder holds files of a run written before manifests
   */
  public void clear() {
    try {
      if (holdsRun() && !FileManifest.exists(dir)) {
        throw new RunFolderException(
            dir
                + ": holds a run written by an earlier mtl4j, without a record of its files ("
                + FileManifest.FILE
                + "); remove the folder yourself or train under another --name");
      }
      FileManifest.removeAll(dir);
    } catch (IOException e) {
      throw new RunFolderException(dir + ": cannot remove the old run: " + reason(e), e);
    }
  }

  /** Records that this run writes {@code names} (files, or subfolders ending in {@code /}). */
  public void record(String... names) {
    try {
      FileManifest.record(dir, names);
    } catch (IOException e) {
      throw new RunFolderException(dir + ": cannot be written (" + reason(e) + ")", e);
    }
  }

  /** Whether the folder holds anything but its lock and manifest. */
  public boolean isEmpty() {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.equals(LOCK) && !n.equals(FileManifest.FILE)) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** An I/O failure in a few words: the reason and, when the JDK gives one, the file. */
  public static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason() + (f.getFile() != null ? ": " + f.getFile() : "");
    }
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return "no such file: " + n.getFile();
    }
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : Excerpt.of(m);
  }

  private static void fail(String message) {
    throw new RunFolderException(message);
  }

  private static void close(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing held
    }
  }

  /**
   * Releases the lock. The lock file stays (removing it would race with the next writer), except
   * when this run created the folder and wrote nothing there (a run refused for its data): then the
   * folder, and the output folders created for it, are removed again, the lock file first while it
   * is still held.
   */
  @Override
  public void close() {
    if (created != null && isEmpty()) {
      try {
        Files.deleteIfExists(dir.resolve(FileManifest.FILE));
        Files.deleteIfExists(dir.resolve(LOCK));
        Path stop = created.getParent();
        for (Path p = dir.toAbsolutePath(); p != null && !p.equals(stop); p = p.getParent()) {
          Files.delete(p);
        }
      } catch (IOException ignored) {
        // not empty after all (someone else wrote there): leave it
      }
    }
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException ignored) {
      // closing the channel releases it too
    }
    close(channel);
  }
}
