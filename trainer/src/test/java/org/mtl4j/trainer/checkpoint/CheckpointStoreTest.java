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
import org.mtl4j.api.optim.Optimizer;
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
  void aNewerCheckpointReplacesTheOlderFilesKeepingThePreviousOneForReaders() throws Exception {
    store.save(dir, checkpoint(1));
    store.save(dir, checkpoint(2));
    // a reader that read checkpoint.json of epoch 1 just before the switch still finds its files
    assertTrue(Files.exists(dir.resolve("weights-e1.safetensors")));
    store.save(dir, checkpoint(3));
    assertFalse(Files.exists(dir.resolve("weights-e1.safetensors")));
    assertFalse(Files.exists(dir.resolve("optimizer-e1.safetensors")));
    assertTrue(Files.exists(dir.resolve("weights-e2.safetensors")));
    assertTrue(Files.exists(dir.resolve("weights-e3.safetensors")));
    assertEquals(3, store.load(dir).epoch());
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

  private static Checkpoint withWeights(Map<String, SafeTensors.Entry> weights, long steps) {
    Checkpoint c = checkpoint(1);
    return new Checkpoint(
        c.configYaml(),
        c.seed(),
        c.epoch(),
        steps,
        weights,
        Map.of("steps", Optimizer.encodeSteps(steps), "w/m", new float[] {0.5f}),
        c.weightingState(),
        c.history(),
        c.tasks(),
        c.preprocessing(),
        c.bestScore(),
        c.badEpochs());
  }

  private static SafeTensors.Entry e(int[] shape, float... data) {
    return new SafeTensors.Entry(shape, data);
  }

  @Test
  void parametersAreStoredUnderPyTorchNamesAndLayoutsAndReadBackAsHeld() throws Exception {
    Map<String, SafeTensors.Entry> held = new java.util.LinkedHashMap<>();
    // a linear layer 3 -> 2 as mtl4j holds it: W [in, out] row-major, bias [1, out]
    held.put("trunk.0.weight", e(new int[] {3, 2}, 1, 2, 3, 4, 5, 6));
    held.put("trunk.0.bias", e(new int[] {1, 2}, 7, 8));
    held.put("trunk.0.norm.gain", e(new int[] {1, 2}, 9, 10));
    held.put("trunk.0.norm.bias", e(new int[] {1, 2}, 11, 12));
    held.put("input.embedding0.table", e(new int[] {2, 2}, 13, 14, 15, 16));
    held.put("cross_stitch.0", e(new int[] {2, 2}, 17, 18, 19, 20));
    held.put("uncertainty.log_var.a", e(new int[] {1, 1}, 21));
    store.save(dir, withWeights(held, 3));

    Map<String, SafeTensors.Entry> file =
        SafeTensors.read(dir.resolve("weights-e1.safetensors")).tensors();
    assertEquals(
        List.of(
            "trunk.0.weight",
            "trunk.0.bias",
            "trunk.0.norm.weight",
            "trunk.0.norm.bias",
            "input.embedding0.weight",
            "cross_stitch.0",
            "uncertainty.log_var.a"),
        List.copyOf(file.keySet()));
    // nn.Linear.weight is [out, in]: row j holds the weights into output j
    assertArrayEquals(new int[] {2, 3}, file.get("trunk.0.weight").shape());
    assertArrayEquals(new float[] {1, 3, 5, 2, 4, 6}, file.get("trunk.0.weight").data());
    assertArrayEquals(new int[] {2}, file.get("trunk.0.bias").shape());
    assertArrayEquals(new int[] {2}, file.get("trunk.0.norm.weight").shape());
    assertArrayEquals(new float[] {9, 10}, file.get("trunk.0.norm.weight").data());
    assertArrayEquals(new int[] {2, 2}, file.get("input.embedding0.weight").shape());
    assertArrayEquals(new float[] {13, 14, 15, 16}, file.get("input.embedding0.weight").data());
    assertArrayEquals(new float[] {17, 18, 19, 20}, file.get("cross_stitch.0").data());
    assertArrayEquals(new int[] {1, 1}, file.get("uncertainty.log_var.a").shape());

    String json = Files.readString(dir.resolve(CheckpointStore.METADATA));
    assertTrue(json.contains("\"format\" : \"mtl4j-checkpoint\""), json);
    assertTrue(json.contains("\"format_version\" : 3"), json);

    Checkpoint back = store.load(dir);
    assertEquals(held.keySet(), back.weights().keySet());
    held.forEach(
        (k, v) -> {
          assertArrayEquals(v.shape(), back.weights().get(k).shape(), k);
          assertArrayEquals(v.data(), back.weights().get(k).data(), k);
        });
  }

  @Test
  void theStepCounterIsStoredAsASixtyFourBitInteger() throws Exception {
    long steps = (1L << 40) + 5;
    store.save(dir, withWeights(Map.of(), steps));
    Path f = dir.resolve("optimizer-e1.safetensors");
    SafeTensors.Content c = SafeTensors.read(f);
    assertFalse(c.tensors().containsKey("steps"), "not an F32 any more");
    assertArrayEquals(new int[0], c.integers().get("steps").shape());
    assertArrayEquals(new long[] {steps}, c.integers().get("steps").data());
    String header = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(header.contains("\"steps\":{\"dtype\":\"I64\",\"shape\":[]"), header);
    assertEquals(steps, Optimizer.decodeSteps(store.load(dir).optimizerState().get("steps")));
    assertArrayEquals(new float[] {0.5f}, store.load(dir).optimizerState().get("w/m"));
  }

  @Test
  void anUnknownFormatVersionNamesTheVersionsThisCodeReads() throws Exception {
    store.save(dir, checkpoint(1));
    Path meta = dir.resolve(CheckpointStore.METADATA);
    Files.writeString(
        meta, Files.readString(meta).replace("\"format_version\" : 3", "\"format_version\" : 4"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> store.load(dir));
    assertEquals(
        meta
            + ": format is 'mtl4j-checkpoint' version 4; this mtl4j reads mtl4j-checkpoint-1 and"
            + " mtl4j-checkpoint versions 2 to 3",
        e.getMessage());
  }

  /** {@link #checkpoint} after {@code epochs} epochs with one history record each. */
  private static Checkpoint withHistory(int epochs) {
    Checkpoint c = checkpoint(epochs);
    List<EpochRecord> h = new java.util.ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      h.add(new EpochRecord(e, Map.of("a", 1.0 / e), Map.of(), List.of(1.0), 1e-3, 0.5));
    }
    return new Checkpoint(
        c.configYaml(),
        c.seed(),
        c.epoch(),
        c.step(),
        c.weights(),
        c.optimizerState(),
        c.weightingState(),
        h,
        c.tasks(),
        c.preprocessing(),
        c.bestScore(),
        c.badEpochs());
  }

  @Test
  void historyIsAppendedAndARecordBeyondTheCheckpointIsNeverRead() throws Exception {
    store.save(dir, withHistory(1));
    store.save(dir, withHistory(2));
    Path h = dir.resolve(CheckpointStore.HISTORY);
    assertEquals(2, Files.readAllLines(h).size());
    String meta = Files.readString(dir.resolve(CheckpointStore.METADATA));
    assertFalse(meta.contains("\"trainLoss\""), "the history is still in checkpoint.json");
    // a run killed after appending epoch 3's record but before switching checkpoint.json
    Files.writeString(h, "{\"epoch\":3,\"half\n", java.nio.file.StandardOpenOption.APPEND);
    assertEquals(2, store.load(dir).history().size());
    store.save(dir, withHistory(3));
    List<String> lines = Files.readAllLines(h);
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(2).startsWith("{\"epoch\":3,\"trainLoss\""), lines.get(2));
    assertEquals(
        List.of(1, 2, 3), store.load(dir).history().stream().map(EpochRecord::epoch).toList());
  }

  @Test
  void aReaderDuringTrainingAlwaysFindsACompleteCheckpoint() throws Exception {
    store.save(dir, withHistory(1));
    java.util.concurrent.atomic.AtomicBoolean done =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              try {
                for (int e = 2; e <= 30; e++) {
                  new CheckpointStore().save(dir, withHistory(e));
                  Thread.sleep(15); // an epoch of training
                }
              } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
              } finally {
                done.set(true);
              }
            });
    writer.start();
    int loads = 0;
    int lastEpoch = 0;
    while (!done.get()) {
      Checkpoint c = new CheckpointStore().load(dir);
      assertTrue(c.epoch() >= lastEpoch, "went back from " + lastEpoch + " to " + c.epoch());
      assertEquals(c.epoch(), c.history().size());
      lastEpoch = c.epoch();
      loads++;
    }
    writer.join();
    assertTrue(loads > 5, "only " + loads + " loads");
    assertEquals(30, new CheckpointStore().load(dir).epoch());
  }
}
