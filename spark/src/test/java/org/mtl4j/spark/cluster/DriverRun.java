package org.mtl4j.spark.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.cli.Main;

/**
 * One {@code mtl4j train -c CONFIG --spark-master URL} run as its own JVM (the CLI's real path: the
 * trainer's {@code Main}, the {@code DistributedTraining} service, a Spark driver in client mode),
 * optionally killing a worker of the cluster once the run has checkpointed a given epoch.
 *
 * @param exitCode the CLI's exit code
 * @param log the driver's stdout and stderr
 * @param seconds wall time of the driver process
 * @param epochAtKill the checkpointed epoch when the worker was killed, or -1 (no kill)
 * @param killed the process ids killed (worker and executors)
 */
public record DriverRun(
    int exitCode, String log, double seconds, int epochAtKill, List<Long> killed) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A worker to SIGKILL once the run's checkpoint reaches {@code afterEpoch}. */
  public record Kill(int worker, int afterEpoch) {}

  /**
   * Runs the CLI against {@code master} with the Spark properties {@code conf} (passed as {@code
   * -Dspark.*} system properties, which {@code SparkConf} reads), killing per {@code kill} (or
   * null); the driver is killed and the run fails if it takes longer than {@code timeout}.
   */
  public static DriverRun train(
      StandaloneCluster cluster,
      Path config,
      Path runDir,
      String master,
      Map<String, String> conf,
      Kill kill,
      Path log,
      Duration timeout)
      throws IOException, InterruptedException {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("spark.driver.host", "127.0.0.1");
    props.put("spark.driver.bindAddress", "127.0.0.1");
    props.put("spark.ui.enabled", "false");
    props.put("spark.jars", String.join(",", cluster.applicationJars()));
    props.putAll(conf);
    List<String> args = new ArrayList<>();
    args.add("-Xmx1g");
    args.addAll(cluster.jvmFlags());
    props.forEach((k, v) -> args.add("-D" + k + "=" + v));
    args.addAll(
        List.of(
            "org.mtl4j.trainer.cli.Main",
            "train",
            "-c",
            config.toString(),
            "--spark-master",
            master));
    long t0 = System.nanoTime();
    Process driver = cluster.launch(args, Map.of(), log);
    long deadline = t0 + timeout.toNanos();
    int epochAtKill = -1;
    List<Long> killed = List.of();
    Path ckpt = runDir.resolve("checkpoint");
    while (kill != null && killed.isEmpty() && driver.isAlive() && System.nanoTime() < deadline) {
      int epoch = checkpointedEpoch(ckpt);
      if (epoch >= kill.afterEpoch()) {
        epochAtKill = epoch;
        killed = cluster.killWorker(kill.worker());
      } else {
        Thread.sleep(50);
      }
    }
    long left = Math.max(1, deadline - System.nanoTime());
    if (!driver.waitFor(left, TimeUnit.NANOSECONDS)) {
      driver.descendants().forEach(ProcessHandle::destroyForcibly);
      driver.destroyForcibly().waitFor();
      throw new IllegalStateException(
          "the driver did not finish within "
              + timeout
              + "; log "
              + log
              + ":\n"
              + StandaloneCluster.tail(StandaloneCluster.read(log)));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new DriverRun(
        driver.exitValue(), StandaloneCluster.read(log), seconds, epochAtKill, killed);
  }

  /**
   * The same CLI run in this JVM (no process to start; for a {@code local[n]} reference run, which
   * needs no {@code spark.*} properties: sync mode on n partitions is the default there).
   */
  public static DriverRun inProcess(Path config, String master) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int code;
    try {
      PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
      System.setOut(p);
      System.setErr(p);
      code = Main.execute("train", "-c", config.toString(), "--spark-master", master);
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
    return new DriverRun(
        code, out.toString(StandardCharsets.UTF_8), (System.nanoTime() - t0) / 1e9, -1, List.of());
  }

  /**
   * The epoch recorded in {@code dir}'s {@code checkpoint.json}, or 0 while there is none (or it
   * cannot be read yet). Reads that one small file only, so polling it costs the run nothing.
   */
  static int checkpointedEpoch(Path dir) {
    Path meta = dir.resolve(CheckpointStore.METADATA);
    if (!Files.isRegularFile(meta)) {
      return 0;
    }
    try {
      return JSON.readTree(meta.toFile()).path("epoch").asInt(0);
    } catch (IOException e) {
      return 0; // replaced between listing and reading: try again
    }
  }

  /** The lines of the log that contain any of {@code needles} (at most {@code max}). */
  public List<String> lines(int max, String... needles) {
    List<String> out = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.startsWith("\t") || line.startsWith(" ") || line.startsWith("Caused by")) {
        continue; // stack trace lines
      }
      for (String n : needles) {
        if (line.contains(n)) {
          out.add(line.length() > 300 ? line.substring(0, 300) + " ..." : line);
          break;
        }
      }
      if (out.size() >= max) {
        break;
      }
    }
    return out;
  }
}
