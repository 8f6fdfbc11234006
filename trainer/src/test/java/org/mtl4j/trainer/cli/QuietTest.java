package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mtl4j train -q} prints no INFO log line. Each run is a fresh JVM, as from the launcher:
 * the SLF4J simple logger fixes its level when the first logger is made, so an in-process run would
 * see whatever level an earlier test's logging left.
 */
class QuietTest {
  @TempDir Path tmp;

  private record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private Run train(String name, String... options) throws IOException, InterruptedException {
    Path cfg = tmp.resolve("q.yaml");
    Files.writeString(
        cfg,
        "backend: cpu\n"
            + "data: {source: synthetic-mmoe, options: {train_size: 64, test_size: 16,"
            + " input_size: 4}}\n"
            + "tasks: [{name: a, type: regression, label: task1}]\n"
            + "model: {hidden: [4]}\n"
            + "training: {epochs: 1, batch_size: 16}\n"
            + "output: '"
            + tmp.resolve("runs").toString().replace("\\", "/")
            + "'\n");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path")));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of("train", "--name", name));
    cmd.addAll(List.of(options));
    cmd.add(cfg.toString());
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    Process p =
        new ProcessBuilder(cmd)
            .directory(tmp.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("mtl4j train did not finish within 180 s: " + cmd);
    }
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void quietRunsPrintNoInfoLogLinesWhileOrdinaryRunsDo() throws Exception {
    Run loud = train("loud", "-c");
    assertEquals(0, loud.exitCode(), loud.toString());
    assertTrue(loud.err().contains("[INFO] Backends - backend cpu selected: "), loud.toString());

    for (String[] quiet : List.of(new String[] {"-q", "-c"}, new String[] {"-qc"})) {
      Run r = train("quiet" + quiet.length, quiet);
      assertEquals(0, r.exitCode(), r.toString());
      assertTrue(r.out().contains("test results (completed, 1 epoch, "), r.toString());
      assertFalse(r.err().contains("INFO"), String.join(" ", quiet) + ":\n" + r);
      assertFalse(r.out().contains("INFO"), String.join(" ", quiet) + ":\n" + r);
    }
  }
}
