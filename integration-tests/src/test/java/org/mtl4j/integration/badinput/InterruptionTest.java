package org.mtl4j.integration.badinput;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;

/**
 * A training process killed with SIGKILL while it writes a checkpoint, and a run that diverges: the
 * last good checkpoint stays loadable, and resuming on the CPU ends bit-identical to an
 * uninterrupted run.
 */
class InterruptionTest {
  private static final int EPOCHS = 4;
  @TempDir Path tmp;

  private String config(Path out) {
    return "name: synth\nbackend: cpu\nseed: 11\n"
        + "data: {source: synthetic-mmoe, options: {train_size: 20000, test_size: 500,"
        + " input_size: 100}}\n"
        + "tasks:\n  - {name: task1, type: regression, label: task1}\n"
        + "  - {name: task2, type: regression, label: task2}\n"
        + "model: {strategy: hard, hidden: [128, 64], activation: relu}\n"
        + "optimizer: {name: adam, lr: 0.001}\n"
        + "training: {epochs: "
        + EPOCHS
        + ", batch_size: 32, validation_split: 0.1}\n"
        + "output: "
        + CliRun.yamlPath(out)
        + "\n";
  }

  private static byte[] finalWeights(Path run) throws IOException {
    Path w = run.resolve("checkpoint").resolve("weights-e" + EPOCHS + ".safetensors");
    assertTrue(Files.isRegularFile(w), "missing " + w);
    return Files.readAllBytes(w);
  }

  @Test
  void killNineWhileCheckpointingKeepsThePreviousOneAndResumeIsBitIdentical() throws Exception {
    Path cfgA = tmp.resolve("a.yaml");
    Files.writeString(cfgA, config(tmp.resolve("a")));
    CliRun full = CliRun.of("train", "-c", cfgA.toString(), "-q");
    assertEquals(0, full.exitCode(), full.toString());
    byte[] uninterrupted = finalWeights(tmp.resolve("a/synth"));

    Path cfgB = tmp.resolve("b.yaml");
    Files.writeString(cfgB, config(tmp.resolve("b")));
    Path run = tmp.resolve("b/synth");
    Path ckpt = run.resolve("checkpoint");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    "org.mtl4j.trainer.cli.Main",
                    "train",
                    "-c",
                    cfgB.toString(),
                    "-q"))
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("b.log").toFile())
            .start();
    // the second epoch's weights file appears before checkpoint.json is switched to it
    Path second = ckpt.resolve("weights-e2.safetensors");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (!Files.exists(second) && p.isAlive() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    p.destroyForcibly(); // SIGKILL on Linux
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(137, p.exitValue(), "not killed: " + Files.readString(tmp.resolve("b.log")));
    String meta = Files.readString(ckpt.resolve("checkpoint.json"));
    assertTrue(
        meta.contains("\"epoch\" : 1,") || meta.contains("\"epoch\" : 2,"),
        "unexpected checkpoint after the kill: " + meta);

    CliRun eval = CliRun.of("evaluate", run.toString(), "-q");
    assertEquals(0, eval.exitCode(), "previous checkpoint not loadable: " + eval);

    CliRun resumed = CliRun.of("train", "--resume", run.toString(), "-q");
    assertEquals(0, resumed.exitCode(), resumed.toString());
    assertArrayEquals(uninterrupted, finalWeights(run), "resumed weights differ");
  }

  @Test
  void learningRateAboveOneMillionIsRejectedBeforeTraining() throws IOException {
    Path out = tmp.resolve("runs");
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(
        bad,
        Configs.customers(out, 1)
            .replace("optimizer: {name: adam, lr: 0.01}", "optimizer: {name: sgd, lr: 2.0e6}"));
    CliRun r = CliRun.of("train", "-c", bad.toString(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertEquals("mtl4j: optimizer.lr: '2000000.0' is not a number in (0, 1000000.0]\n", r.err());
    assertFalse(Files.exists(out));
  }

  /** Issue 5's case: a learning rate of 1e6 makes SGD diverge on this data. */
  @Test
  void divergenceStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() throws IOException {
    Path out = tmp.resolve("runs");
    Path good = tmp.resolve("good.yaml");
    Files.writeString(good, Configs.customers(out, 1));
    assertEquals(0, CliRun.of("train", "-c", good.toString(), "-q").exitCode());
    Path ckpt = out.resolve("customers/checkpoint");
    byte[] weights = Files.readAllBytes(ckpt.resolve("weights-e1.safetensors"));
    String meta = Files.readString(ckpt.resolve("checkpoint.json"));

    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(
        bad,
        Configs.customers(out, 6)
            .replace("optimizer: {name: adam, lr: 0.01}", "optimizer: {name: sgd, lr: 1.0e6}"));
    CliRun r =
        CliRun.of(
            "train", "--resume", out.resolve("customers").toString(), "-c", bad.toString(), "-q");

    assertEquals(2, r.exitCode(), r.toString());
    assertFalse(r.err().contains("\tat "), r.err());
    assertTrue(
        java.util.regex.Pattern.compile(
                "(?m)^mtl4j: the loss of task \\w+ became (NaN|Infinity|-Infinity) at epoch \\d+,"
                    + " step \\d+ of \\d+; training stopped and the last good checkpoint \\(epoch"
                    + " 1\\) was kept in .*checkpoint\\. Try a lower optimizer.lr.*$")
            .matcher(r.err())
            .find(),
        r.err());
    assertArrayEquals(weights, Files.readAllBytes(ckpt.resolve("weights-e1.safetensors")));
    assertEquals(meta, Files.readString(ckpt.resolve("checkpoint.json")));
    CliRun eval =
        CliRun.of(
            "evaluate",
            out.resolve("customers").toString(),
            "--data",
            CliRun.repoRoot().resolve("examples/data/customers.csv").toString(),
            "-q");
    assertEquals(0, eval.exitCode(), eval.toString());
  }
}
