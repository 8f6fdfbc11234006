package org.mtl4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

class CheckpointStoreTest {
  @TempDir Path dir;
  private final CheckpointStore store = new CheckpointStore();

  private static Checkpoint checkpoint(int epoch) {
    EpochRecord r =
        new EpochRecord(
            epoch,
            Map.of("a", 0.5),
            Map.of("a", new TaskScores(0.4, Map.of("accuracy", 0.9, "auc", Double.NaN))),
            List.of(1.0),
            1e-3,
            2.5);
    return new Checkpoint(
        "name: x\n",
        42,
        epoch,
        10L * epoch,
        Map.of("w", new SafeTensors.Entry(new int[] {2, 2}, new float[] {1, 2, 3, epoch})),
        Map.of("steps", new float[] {0, 1}, "w/m", new float[] {0.1f, 0.2f, 0.3f, 0.4f}),
        Map.of("initial_losses", new double[] {2.3, 0.7}),
        List.of(r),
        List.of(new Checkpoint.TaskInfo("a", "multiclass", 10)),
        Map.of("input_size", 784),
        0.9,
        1);
  }

  @Test
  void roundTripsEverything() {
    store.save(dir, checkpoint(3));
    Checkpoint c = store.load(dir);
    assertEquals(3, c.epoch());
    assertEquals(30, c.step());
    assertEquals(42, c.seed());
    assertArrayEquals(new float[] {1, 2, 3, 3}, c.weights().get("w").data());
    assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, c.optimizerState().get("w/m"));
    assertArrayEquals(new double[] {2.3, 0.7}, c.weightingState().get("initial_losses"));
    assertEquals(checkpoint(3).history(), c.history());
    assertEquals(List.of(new Checkpoint.TaskInfo("a", "multiclass", 10)), c.tasks());
    assertEquals(784, ((Number) c.preprocessing().get("input_size")).intValue());
    assertEquals(0.9, c.bestScore());
    assertEquals(1, c.badEpochs());
    assertEquals("name: x\n", c.configYaml());
  }

  @Test
  void aNewerCheckpointReplacesTheOlderFiles() throws Exception {
    store.save(dir, checkpoint(1));
    store.save(dir, checkpoint(2));
    assertFalse(Files.exists(dir.resolve("weights-e1.safetensors")));
    assertTrue(Files.exists(dir.resolve("weights-e2.safetensors")));
    assertEquals(2, store.load(dir).epoch());
    try (var s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }
  }

  @Test
  void corruptedWeightsAreDetectedBySha256() throws Exception {
    store.save(dir, checkpoint(1));
    Path w = dir.resolve("weights-e1.safetensors");
    byte[] b = Files.readAllBytes(w);
    b[b.length - 1] ^= 1;
    Files.write(w, b);
    CheckpointException e = assertThrows(CheckpointException.class, () -> store.load(dir));
    assertTrue(e.getMessage().startsWith(w + ": SHA-256 is "), e.getMessage());
    assertTrue(e.getMessage().endsWith("the file is corrupt or was replaced"));
  }

  @Test
  void missingOrForeignFoldersAreReported() throws Exception {
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> store.load(dir.resolve("none")));
    assertEquals(
        dir.resolve("none") + ": no checkpoint.json (not a checkpoint folder)", e.getMessage());
    store.save(dir, checkpoint(1));
    Files.delete(dir.resolve("optimizer-e1.safetensors"));
    CheckpointException e2 = assertThrows(CheckpointException.class, () -> store.load(dir));
    assertTrue(
        e2.getMessage().contains("optimizer-e1.safetensors, which is missing"), e2.getMessage());
  }
}
