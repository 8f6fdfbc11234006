package org.mtl4j.trainer.fuzz;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.SafeTensors;

/**
 * Writes the seed inputs of the safetensors and checkpoint.json targets into the committed corpus
 * (the other targets' seeds are plain text and example files). Usage: {@code java -cp
 * <test-classes>:<classes>:<deps> org.mtl4j.trainer.fuzz.FuzzSeeds
 * trainer/src/test/resources/org/mtl4j/trainer/fuzz}.
 */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Map<String, SafeTensors.Entry> t = new LinkedHashMap<>();
    t.put(
        "trunk.0.weight", new SafeTensors.Entry(new int[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}));
    t.put("trunk.0.bias", new SafeTensors.Entry(new int[] {3}, new float[] {0.5f, -1, 2}));
    Map<String, SafeTensors.IntEntry> ints =
        Map.of("steps", new SafeTensors.IntEntry(new int[] {}, new long[] {7}));
    Path st = root.resolve("SafeTensorsFuzzTestInputs/safetensors/seed.safetensors");
    SafeTensors.write(st, t, ints, Map.of("format", "pt"));
    Path dir = Files.createTempDirectory("mtl4j-fuzz-seed");
    new CheckpointStore().save(dir, FuzzTargets.seedCheckpoint());
    Files.copy(
        dir.resolve(CheckpointStore.METADATA),
        root.resolve("CheckpointJsonFuzzTestInputs/checkpointJson/seed-checkpoint.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
