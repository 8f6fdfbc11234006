package org.mtl4j.trainer.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.FileManifest;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.training.Trainer;
import org.mtl4j.trainer.training.TrainingListener;
import org.mtl4j.trainer.training.TrainingResult;

/** One writer per run folder, also within one JVM, and what the folder's manifest lets go. */
class RunFolderLockTest {
  @TempDir Path tmp;

  private Mtl4jConfig config(int epochs) {
    return new ConfigReader(Mtl4j.plugins())
        .parse(
            """
name: locked
backend: cpu
seed: 5
data: {source: synthetic-mmoe, options: {train_size: 320, test_size: 64, input_size: 8}}
tasks:
  - {name: t1, type: regression, label: task1}
  - {name: t2, type: regression, label: task2}
model: {strategy: hard, hidden: [8]}
training: {epochs: %d, batch_size: 64, validation_split: 0.0}
output: %s
"""
                .formatted(epochs, tmp.toString().replace("\\", "/")),
            "test",
            "locked");
  }

  @Test
  void trainCalledTwiceAtOnceInOneJvmRefusesTheSecondNamingThisProcess() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Trainer first = Mtl4j.trainer(config(2));
    first.addListener(
        new TrainingListener() {
          @Override
          public void started(int epochs, int stepsPerEpoch, String description) {
            started.countDown();
            try {
              release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    CompletableFuture<TrainingResult> running = CompletableFuture.supplyAsync(first::train);
    assertTrue(started.await(60, TimeUnit.SECONDS), "the first training did not start");
    Trainer second = Mtl4j.trainer(config(2));
    RunFolderException e = assertThrows(RunFolderException.class, second::train);
    assertTrue(
        e.getMessage()
            .contains(
                "in use by another training (pid "
                    + ProcessHandle.current().pid()
                    + ", this process)"),
        e.getMessage());
    release.countDown();
    TrainingResult r = running.get(120, TimeUnit.SECONDS);
    assertEquals(2, r.history().size());
    assertEquals(2, new CheckpointStore().load(tmp.resolve("locked/checkpoint")).epoch());
    // the lock is released: the same trainer may continue the run
    assertEquals(3, Mtl4j.trainer(config(3)).train(tmp.resolve("locked"), false).history().size());
  }

  @Test
  void theManifestRecordsWhatTheRunWroteAndClearRemovesOnlyThat() throws Exception {
    Mtl4j.trainer(config(1)).train();
    Path run = tmp.resolve("locked");
    assertTrue(
        FileManifest.names(run)
            .containsAll(
                java.util.List.of(
                    "checkpoint/", "config.yaml", "metrics.csv", "summary.json", "curves.png")),
        FileManifest.names(run).toString());
    Path mine = Files.writeString(run.resolve("notes.txt"), "mine");
    try (RunFolder f = RunFolder.open(run)) {
      assertTrue(f.holdsRun());
      f.clear();
      assertTrue(!f.holdsRun());
    }
    assertEquals("mine", Files.readString(mine));
    assertTrue(!Files.exists(run.resolve("checkpoint")), "the emptied checkpoint folder stays");
  }
}
