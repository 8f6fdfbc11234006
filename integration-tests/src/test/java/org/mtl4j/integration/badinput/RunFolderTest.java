package org.mtl4j.integration.badinput;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;
import org.mtl4j.integration.support.LockHolder;
import org.mtl4j.trainer.io.Excerpt;

/**
 * Run folders as a small database with one writer: names and output paths that would escape the
 * output folder, a second writer, a new run over a finished one, links, stale temporaries, readers
 * during training, rejected resumes, {@code --epochs 0}, and folders that cannot be written. Every
 * refusal is exit 2 with one line and leaves what was there as it was.
 */
class RunFolderTest {
  @TempDir Path tmp;

  private Path config(String yaml) throws IOException {
    Path cfg = tmp.resolve("c" + System.nanoTime() + ".yaml");
    Files.writeString(cfg, yaml);
    return cfg;
  }

  private Path customers(int epochs) throws IOException {
    return config(Configs.customers(tmp.resolve("runs"), epochs));
  }

  private static void assertOneLineUserError(CliRun r) {
    assertEquals(2, r.exitCode(), r.toString());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }

  private Path trained(int epochs) throws IOException {
    CliRun r = CliRun.of("train", "-c", customers(epochs).toString(), "-q");
    assertEquals(0, r.exitCode(), r.toString());
    return tmp.resolve("runs/customers");
  }

  private static byte[] bytes(Path p) throws IOException {
    return Files.readAllBytes(p);
  }

  @Test
  void dotAndDotDotAsNameAreRefusedAndNothingIsWrittenAboveTheOutput() throws IOException {
    for (String name : List.of("..", ".")) {
      String yaml =
          Configs.customers(tmp.resolve("runs"), 1)
              .replace("name: customers", "name: '" + name + "'");
      CliRun r = CliRun.of("train", "-c", config(yaml).toString(), "-q");
      assertOneLineUserError(r);
      assertTrue(r.err().contains("name: '" + name + "' is not a run name"), r.err());
      assertFalse(Files.exists(tmp.resolve("summary.json")), "wrote into the output's parent");
      assertFalse(Files.exists(tmp.resolve("runs/summary.json")), "wrote into the output folder");
    }
  }

  @Test
  void cliNameIsValidatedLikeTheConfigName() throws IOException {
    Path cfg = customers(1);
    for (String name : List.of("../../../../escaped", "a/b", "..", "tab\there", "my run")) {
      CliRun r = CliRun.of("train", "-c", cfg.toString(), "--name", name, "-q");
      assertOneLineUserError(r);
      assertTrue(r.err().startsWith("mtl4j: --name: '"), r.err());
      assertTrue(r.err().contains("is not a run name"), r.err());
    }
    try (Stream<Path> s = Files.walk(tmp)) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().equals("escaped")), "wrote a run");
    }
  }

  @Test
  void aThreeHundredCharacterNameIsOneShortLine() throws IOException {
    String name = "n".repeat(300);
    CliRun cli = CliRun.of("train", "-c", customers(1).toString(), "--name", name, "-q");
    assertOneLineUserError(cli);
    assertTrue(cli.err().contains("(300 characters)") && cli.err().length() < 400, cli.err());
    String yaml =
        Configs.customers(tmp.resolve("runs"), 1).replace("name: customers", "name: " + name);
    CliRun conf = CliRun.of("train", "-c", config(yaml).toString(), "-q");
    assertOneLineUserError(conf);
    assertTrue(
        conf.err().contains("name: '" + "n".repeat(Excerpt.MAX_CHARS) + "... (300 characters)'"),
        conf.err());
  }

  @Test
  void aNameWithASpaceIsRefusedAtTrainTimeAsEveryCommandWouldRefuseIt() throws IOException {
    String yaml =
        Configs.customers(tmp.resolve("runs"), 1).replace("name: customers", "name: my run");
    CliRun r = CliRun.of("train", "-c", config(yaml).toString(), "-q");
    assertOneLineUserError(r);
    assertTrue(r.err().contains("name: 'my run' is not a run name"), r.err());
    assertFalse(Files.exists(tmp.resolve("runs/my run")));
  }

  @Test
  void aRelativeOutputLeadingOutsideTheWorkingFolderIsRefused() throws IOException {
    String rel = "../".repeat(Path.of("").toAbsolutePath().getNameCount() + 2) + "tmp";
    CliRun r =
        CliRun.of("train", "-c", customers(1).toString(), "-o", rel, "--name", "escaped-r19", "-q");
    assertOneLineUserError(r);
    assertTrue(r.err().contains("leads outside the working folder"), r.err());
    assertFalse(Files.exists(Path.of("/tmp/escaped-r19")));
  }

  @Test
  void outputThatIsNoWritableFolderIsOneLine() throws IOException {
    Path cfg = customers(1);
    CliRun devNull = CliRun.of("train", "-c", cfg.toString(), "-o", "/dev/null", "-q");
    assertOneLineUserError(devNull);
    assertTrue(devNull.err().contains("/dev/null is not a folder"), devNull.err());
    CliRun proc = CliRun.of("train", "-c", cfg.toString(), "-o", "/proc", "-q");
    assertOneLineUserError(proc);
    assertTrue(proc.err().contains("/proc/customers"), proc.err());
    Files.createDirectories(tmp.resolve("runs"));
    Files.writeString(tmp.resolve("runs/customers"), "a file");
    CliRun file = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertOneLineUserError(file);
    assertTrue(file.err().contains("exists and is not a folder"), file.err());
    assertEquals("a file", Files.readString(tmp.resolve("runs/customers")));
  }

  @Test
  void aReadOnlyRunFolderIsOneLine() throws IOException {
    Assumptions.assumeFalse(
        "root".equals(System.getProperty("user.name")), "root writes into read-only folders");
    Path run = Files.createDirectories(tmp.resolve("runs/customers"));
    run.toFile().setWritable(false);
    try {
      CliRun r = CliRun.of("train", "-c", customers(1).toString(), "-q");
      assertOneLineUserError(r);
      assertTrue(r.err().contains(run.toString()), r.err());
    } finally {
      run.toFile().setWritable(true);
    }
  }

  @Test
  void aSecondTrainingOfTheSameRunIsRefusedNamingTheHoldersPid() throws Exception {
    Path run = Files.createDirectories(tmp.resolve("runs/customers"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process holder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                run.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("locked", out.readLine());
      CliRun r = CliRun.of("train", "-c", customers(1).toString(), "-q");
      assertOneLineUserError(r);
      assertTrue(
          r.err().contains("in use by another training (pid " + holder.pid() + ")"), r.err());
      assertFalse(Files.exists(run.resolve("config.yaml")), "the refused run wrote its config");
    } finally {
      holder.getOutputStream().close();
      holder.waitFor();
    }
    CliRun after = CliRun.of("train", "-c", customers(1).toString(), "-q");
    assertEquals(0, after.exitCode(), "the lock outlived its holder: " + after);
  }

  @Test
  void aNewRunNeverReplacesAFinishedOneWithoutOverwrite() throws IOException {
    Path run = trained(2);
    byte[] summary = bytes(run.resolve("summary.json"));
    byte[] weights = bytes(run.resolve("checkpoint/weights-e2.safetensors"));
    CliRun again = CliRun.of("train", "-c", customers(1).toString(), "-q");
    assertOneLineUserError(again);
    assertTrue(
        again.err().contains("--overwrite") && again.err().contains("--resume"), again.err());
    assertArrayEquals(summary, bytes(run.resolve("summary.json")));
    assertArrayEquals(weights, bytes(run.resolve("checkpoint/weights-e2.safetensors")));
    CliRun over = CliRun.of("train", "-c", customers(1).toString(), "--overwrite", "-q");
    assertEquals(0, over.exitCode(), over.toString());
    assertFalse(Files.exists(run.resolve("checkpoint/weights-e2.safetensors")));
    assertTrue(Files.exists(run.resolve("checkpoint/weights-e1.safetensors")));
  }

  @Test
  void epochsZeroOnAnExistingRunKeepsItsCheckpointAndReports() throws IOException {
    Path run = trained(2);
    byte[] summary = bytes(run.resolve("summary.json"));
    byte[] metrics = bytes(run.resolve("metrics.csv"));
    byte[] meta = bytes(run.resolve("checkpoint/checkpoint.json"));
    CliRun check = CliRun.of("train", "-c", customers(2).toString(), "--epochs", "0", "-q");
    assertEquals(0, check.exitCode(), check.toString());
    assertTrue(check.out().contains("churn"), check.out());
    assertArrayEquals(summary, bytes(run.resolve("summary.json")));
    assertArrayEquals(metrics, bytes(run.resolve("metrics.csv")));
    assertArrayEquals(meta, bytes(run.resolve("checkpoint/checkpoint.json")));
    assertTrue(Files.exists(run.resolve("checkpoint/weights-e2.safetensors")));
  }

  @Test
  void aReplacingRunThatFailsNeverLeavesTheOldReportsBesideItsCheckpoint() throws IOException {
    Path run = trained(2);
    String diverging =
        Configs.customers(tmp.resolve("runs"), 3)
            .replace("{name: adam, lr: 0.01}", "{name: sgd, lr: 1000000.0}");
    CliRun r = CliRun.of("train", "-c", config(diverging).toString(), "--overwrite", "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.err().contains("the loss of task spend became"), r.err());
    for (String old : List.of("summary.json", "metrics.csv", "curves.png")) {
      assertFalse(Files.exists(run.resolve(old)), old + " of the replaced run is still there");
    }
    assertFalse(Files.exists(run.resolve("checkpoint/weights-e2.safetensors")));
  }

  @Test
  void linksAndUnrecordedFilesSurviveAReplacingRun() throws IOException {
    Path run = trained(1);
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path precious = Files.writeString(outside.resolve("precious.safetensors"), "keep me");
    Path link = run.resolve("checkpoint/weights-e7.safetensors");
    Files.createSymbolicLink(link, precious);
    Path mine = Files.writeString(run.resolve("checkpoint/notes.safetensors"), "user file");
    CliRun r = CliRun.of("train", "-c", customers(1).toString(), "--overwrite", "-q");
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("keep me", Files.readString(precious));
    assertEquals("user file", Files.readString(mine));
    assertTrue(Files.isSymbolicLink(link), "a link mtl4j did not write was removed");
  }

  @Test
  void aCheckpointFolderThatIsALinkIsNeverWrittenThrough() throws IOException {
    Path run = Files.createDirectories(tmp.resolve("runs/customers"));
    Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
    Path precious = Files.writeString(outside.resolve("weights-e1.safetensors"), "keep me");
    Files.createSymbolicLink(run.resolve("checkpoint"), outside);
    CliRun r = CliRun.of("train", "-c", customers(1).toString(), "--overwrite", "-q");
    assertOneLineUserError(r);
    assertTrue(r.err().contains("symbolic link"), r.err());
    assertEquals("keep me", Files.readString(precious));
    try (Stream<Path> s = Files.list(outside)) {
      assertEquals(1, s.count(), "wrote through the link");
    }
  }

  @Test
  void staleTemporariesOfAKilledRunAreRemovedAtStart() throws IOException {
    Path run = Files.createDirectories(tmp.resolve("runs/customers/checkpoint"));
    Path a = Files.writeString(run.resolve(".weights-e3.safetensors812.tmp"), "partial");
    Path b = Files.writeString(run.getParent().resolve(".summary.json99.tmp"), "partial");
    CliRun r = CliRun.of("train", "-c", customers(1).toString(), "-q");
    assertEquals(0, r.exitCode(), r.toString());
    assertFalse(Files.exists(a), "stale temporary kept: " + a);
    assertFalse(Files.exists(b), "stale temporary kept: " + b);
  }

  @Test
  void thePreviousCheckpointStaysUntilTheNextIsComplete() throws IOException {
    Path ckpt = trained(3).resolve("checkpoint");
    assertTrue(Files.exists(ckpt.resolve("weights-e3.safetensors")));
    // a reader that read checkpoint.json just before epoch 3 switched it still finds epoch 2
    assertTrue(Files.exists(ckpt.resolve("weights-e2.safetensors")));
    assertTrue(Files.exists(ckpt.resolve("optimizer-e2.safetensors")));
    assertFalse(Files.exists(ckpt.resolve("weights-e1.safetensors")));
  }

  @Test
  void aRejectedResumeLeavesConfigYamlByteIdentical() throws IOException {
    Path run = trained(1);
    byte[] config = bytes(run.resolve("config.yaml"));
    String other =
        Configs.customers(tmp.resolve("runs"), 3).replace("hidden: [16]", "hidden: [24]");
    CliRun r =
        CliRun.of(
            "train",
            "-c",
            config(other).toString(),
            "--resume",
            run.toString(),
            "--epochs",
            "3",
            "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertArrayEquals(config, bytes(run.resolve("config.yaml")), "config.yaml was replaced");
  }

  @Test
  void historyLivesInAnAppendOnlyFileAndCheckpointJsonStaysSmall() throws IOException {
    Path run = trained(2);
    Path meta = run.resolve("checkpoint/checkpoint.json");
    long small = Files.size(meta);
    CliRun r = CliRun.of("train", "--resume", run.toString(), "--epochs", "40", "-q");
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(
        Files.size(meta) < small + 64,
        Files.size(meta) + " bytes after 40 epochs, " + small + " after 2");
    List<String> lines = Files.readAllLines(run.resolve("checkpoint/history.jsonl"));
    assertEquals(40, lines.size());
    assertTrue(lines.get(39).startsWith("{\"epoch\":40,"), lines.get(39));
    assertTrue(Files.readString(meta).contains("\"records\" : 40"), Files.readString(meta));
  }

  @Test
  void configYamlThatCannotBeWrittenIsOneLine() throws IOException {
    Path run = Files.createDirectories(tmp.resolve("runs/customers/config.yaml"));
    Files.writeString(run.resolve("in-the-way"), "x");
    CliRun r = CliRun.of("train", "-c", customers(1).toString(), "-q");
    assertOneLineUserError(r);
    assertTrue(r.err().contains("config.yaml: cannot be written"), r.err());
  }

  @Test
  void reportsThatCannotBeWrittenAfterTrainingKeepTheResults() throws IOException {
    Path blocked = Files.createDirectories(tmp.resolve("runs/customers/curves.png"));
    Files.writeString(blocked.resolve("in-the-way"), "x");
    CliRun r = CliRun.of("train", "-c", customers(1).toString(), "-q");
    assertOneLineUserError(r);
    assertTrue(r.out().contains("churn  accuracy 0."), "results not printed: " + r);
    assertTrue(
        r.err().contains("reports") && r.err().contains(tmp.resolve("runs/customers").toString()),
        r.err());
    assertTrue(Files.exists(tmp.resolve("runs/customers/checkpoint/checkpoint.json")));
  }

  @Test
  void epochsAboveTheConfigCapAreRefusedByTheCli() throws IOException {
    CliRun r = CliRun.of("train", "-c", customers(1).toString(), "--epochs", "1000001", "-q");
    assertOneLineUserError(r);
    assertTrue(
        r.err().contains("--epochs: '1000001' is not an integer from 0 to 1000000"), r.err());
  }
}
