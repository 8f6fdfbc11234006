package org.mtl4j.integration.support;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.mtl4j.trainer.cli.Main;

/** One in-process run of the {@code mtl4j} CLI: its exit code and what it printed. */
public record CliRun(int exitCode, String out, String err) {

  /** Runs {@link Main#execute} with System.out and System.err captured. */
  public static synchronized CliRun of(String... args) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.execute(args);
      return new CliRun(
          code,
          out.toString(StandardCharsets.UTF_8).replace("\r", ""),
          withoutInfoLog(err.toString(StandardCharsets.UTF_8).replace("\r", "")));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  /** Drops the INFO log lines (SLF4J simple logger) so that tests see the CLI's own messages. */
  private static String withoutInfoLog(String err) {
    return err.replaceAll("(?m)^\\[INFO\\] .*\n", "");
  }

  /** The repository root (the parent of this module's folder). */
  public static Path repoRoot() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("examples")) ? here : here.getParent();
  }

  /** A YAML path literal for a file system path. */
  public static String yamlPath(Path p) {
    return "'" + p.toAbsolutePath().toString().replace("\\", "/") + "'";
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
  }
}
