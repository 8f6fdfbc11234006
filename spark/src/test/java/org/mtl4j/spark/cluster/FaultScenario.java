package org.mtl4j.spark.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.FileManifest;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import org.mtl4j.trainer.metrics.EpochRecord;

/**
 * The worker-loss experiment shared by {@code StandaloneFaultTest} and {@code StandaloneFaultRun}
 * (the script for larger runs): the same config trained through {@code mtl4j train --spark-master}
 * once undisturbed and once with a worker (and its executor) SIGKILLed after a checkpointed epoch;
 * then what each run folder holds and whether the two runs' checkpoints are the same bytes.
 */
public final class FaultScenario {
  private FaultScenario() {}

  /** A synthetic two-task regression config: {@code rows} training rows, {@code epochs} epochs. */
  public static String config(String name, Path output, int rows, int epochs, int batch) {
    return """
name: %s
backend: cpu
seed: 11
data: {source: synthetic-mmoe, options: {input_size: 16, train_size: %d, test_size: 256}}
tasks:
  - {name: t1, type: regression, label: task1, metrics: [rmse]}
  - {name: t2, type: regression, label: task2, metrics: [rmse]}
model: {strategy: hard, hidden: [32]}
optimizer: {name: adam, lr: 0.003}
training: {epochs: %d, batch_size: %d, validation_split: 0.1}
output: '%s'
"""
        .formatted(
            name, rows, epochs, batch, output.toAbsolutePath().toString().replace("\\", "/"));
  }

  /** Spark properties for a run in {@code mode} on two one-core executors of the cluster. */
  public static Map<String, String> sparkConf(String mode, int averageEvery) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("spark.mtl4j.mode", mode);
    c.put("spark.mtl4j.averageEvery", Integer.toString(averageEvery));
    c.put("spark.mtl4j.partitions", "2");
    c.put("spark.executor.cores", "1");
    c.put("spark.executor.memory", "512m");
    c.put("spark.cores.max", "2");
    // start training only once both executors are up, so that each holds one partition
    c.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    c.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "60s");
    return c;
  }

  /**
   * Writes {@code config} under {@code dir} and runs it as a driver JVM of {@code cluster}, or in
   * this JVM when {@code cluster} is null (a {@code local[n]} reference; {@code conf} and {@code
   * kill} unused); returns the run and its folder.
   */
  public static Outcome run(
      StandaloneCluster cluster,
      Path dir,
      String name,
      String yaml,
      String master,
      Map<String, String> conf,
      DriverRun.Kill kill,
      Duration timeout)
      throws IOException, InterruptedException {
    Path cfg = dir.resolve(name + ".yaml");
    Files.writeString(cfg, yaml);
    Path runDir = dir.resolve("runs").resolve(name);
    DriverRun r =
        cluster == null
            ? DriverRun.inProcess(cfg, master)
            : DriverRun.train(
                cluster,
                cfg,
                runDir,
                master,
                conf,
                kill,
                dir.resolve(name + ".driver.log"),
                timeout);
    return new Outcome(name, cfg, runDir, r);
  }

  /** A finished run: its config file, run folder and driver. */
  public record Outcome(String name, Path config, Path runDir, DriverRun driver) {
    public Path checkpointDir() {
      return runDir.resolve("checkpoint");
    }
  }

  /**
   * What is wrong with the run folder (empty when sound): the checkpoint loads, is of epoch {@code
   * epochs} with one history record per epoch whose losses are finite, every weight is finite, and
   * the checkpoint folder holds that epoch's files, the previous epoch's (kept for readers), the
   * history and the manifest only (no temporaries, no older epochs).
   */
  public static List<String> runFolderProblems(Path runDir, int epochs) throws IOException {
    List<String> problems = new ArrayList<>();
    Path dir = runDir.resolve("checkpoint");
    Checkpoint c;
    try {
      c = new CheckpointStore().load(dir);
    } catch (RuntimeException e) {
      return List.of("checkpoint does not load: " + e);
    }
    if (c.epoch() != epochs) {
      problems.add("checkpoint epoch " + c.epoch() + ", expected " + epochs);
    }
    if (c.history().size() != epochs) {
      problems.add("history has " + c.history().size() + " epochs, expected " + epochs);
    }
    for (int i = 0; i < c.history().size(); i++) {
      EpochRecord r = c.history().get(i);
      if (r.epoch() != i + 1) {
        problems.add("history record " + i + " is epoch " + r.epoch());
      }
      r.trainLoss()
          .forEach(
              (task, loss) -> {
                if (loss == null || !Double.isFinite(loss)) {
                  problems.add("epoch " + r.epoch() + " train loss of " + task + ": " + loss);
                }
              });
      if (r.validation().isEmpty()) {
        problems.add("epoch " + r.epoch() + " has no validation scores");
      }
    }
    for (Map.Entry<String, SafeTensors.Entry> e : c.weights().entrySet()) {
      for (float v : e.getValue().data()) {
        if (!Float.isFinite(v)) {
          problems.add("weight " + e.getKey() + " holds " + v);
          break;
        }
      }
    }
    // the last epoch's tensors, the previous epoch's kept for readers until the next is complete,
    // the append-only history and the manifest of what the run wrote
    List<String> expected = new ArrayList<>();
    expected.add(FileManifest.FILE);
    expected.add(CheckpointStore.METADATA);
    expected.add(CheckpointStore.HISTORY);
    for (int e = Math.max(1, epochs - 1); e <= epochs; e++) {
      expected.add("optimizer-e" + e + ".safetensors");
      expected.add("weights-e" + e + ".safetensors");
    }
    java.util.Collections.sort(expected);
    List<String> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    if (!files.equals(expected)) {
      problems.add("checkpoint folder holds " + files + ", expected " + expected);
    }
    return problems;
  }

  /**
   * The checkpoint files of {@code a} whose content differs from {@code b}'s (empty when the two
   * runs ended with the same weights and optimiser state, bit for bit): the same tensors in the
   * same order with the same shapes and the same float bits, the same integer tensors (step
   * counters) and the same metadata. Not the file bytes: the header's metadata object is written in
   * a per-JVM hash order, so identical checkpoints of two JVMs can differ in header bytes.
   */
  public static List<String> differingCheckpointFiles(Path a, Path b, int epochs) {
    List<String> diff = new ArrayList<>();
    for (String f :
        List.of("weights-e" + epochs + ".safetensors", "optimizer-e" + epochs + ".safetensors")) {
      SafeTensors.Content x = SafeTensors.read(a.resolve(f));
      SafeTensors.Content y = SafeTensors.read(b.resolve(f));
      if (!sameTensors(x.tensors(), y.tensors())
          || !sameIntegers(x.integers(), y.integers())
          || !x.metadata().equals(y.metadata())) {
        diff.add(f);
      }
    }
    return diff;
  }

  private static boolean sameTensors(
      Map<String, SafeTensors.Entry> x, Map<String, SafeTensors.Entry> y) {
    if (!List.copyOf(x.keySet()).equals(List.copyOf(y.keySet()))) {
      return false;
    }
    for (String k : x.keySet()) {
      float[] u = x.get(k).data();
      float[] v = y.get(k).data();
      if (!Arrays.equals(x.get(k).shape(), y.get(k).shape()) || u.length != v.length) {
        return false;
      }
      for (int i = 0; i < u.length; i++) {
        if (Float.floatToRawIntBits(u[i]) != Float.floatToRawIntBits(v[i])) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean sameIntegers(
      Map<String, SafeTensors.IntEntry> x, Map<String, SafeTensors.IntEntry> y) {
    if (!List.copyOf(x.keySet()).equals(List.copyOf(y.keySet()))) {
      return false;
    }
    for (String k : x.keySet()) {
      if (!Arrays.equals(x.get(k).shape(), y.get(k).shape())
          || !Arrays.equals(x.get(k).data(), y.get(k).data())) {
        return false;
      }
    }
    return true;
  }

  /** Each epoch's training losses of the run in {@code checkpointDir}. */
  public static List<Map<String, Double>> trainLosses(Path checkpointDir) {
    return new CheckpointStore()
        .load(checkpointDir).history().stream().map(EpochRecord::trainLoss).toList();
  }
}
