package org.mtl4j.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mtl4j train --spark-master spark://127.0.0.1:PORT} on a Spark standalone cluster of
 * separate JVMs (a master, two one-core workers and their executors), losing a worker mid-run:
 * worker 1 and its executor are SIGKILLed once the run has checkpointed epoch 1 of 3. The run must
 * complete, end with the same weights and optimiser state, bit for bit, as an undisturbed run of
 * the same config, and leave a sound run folder. Both modes hold this exactly: every partition's
 * result is a function of broadcast state and its rows, so a partition recomputed on the surviving
 * executor returns the same floats, and with two partitions the sum does not depend on which
 * arrives first. Every JVM the test starts is stopped, checked with the process table.
 *
 * <p>Without {@code DistributedRows} (rows {@code parallelize}d, lineage cut with {@code
 * localCheckpoint()}), the run died at the first job after the loss: {@code
 * [CHECKPOINT_RDD_BLOCK_ID_NOT_FOUND] Checkpoint block rdd_0_0 not found!}, task failed 4 times.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS) // cluster start and stop; tests have their own
class StandaloneFaultTest {
  /** The tag of the variants that only {@code -Pspark-cluster} runs. */
  static final String LONG = "spark-cluster";

  private static final int EPOCHS = 3;
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(300);

  @TempDir static Path tmp;
  private static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = StandaloneCluster.start(tmp.resolve("cluster"), 2, 768);
  }

  @AfterAll
  static void stopClusterAndCheckNoJvmOutlivesIt() {
    if (cluster == null) {
      return;
    }
    Set<Long> pids = cluster.processIds();
    cluster.close();
    List<Long> alive =
        pids.stream()
            .filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
            .toList();
    assertEquals(List.of(), alive, "processes still running after the cluster was stopped");
  }

  /**
   * The short variant, in every build: the reference is the same config through the same CLI on
   * {@code local[2]} in this JVM (no JVMs to start), which computes the same floats as the cluster
   * (the same two partitions, one backend thread per task, the same driver code).
   */
  @Test
  @Timeout(value = 480, unit = TimeUnit.SECONDS)
  void syncTrainingSurvivesALostWorkerWithTheWeightsOfAnUndisturbedRun() throws Exception {
    lostWorkerLeavesTheRunIdentical("sync", 1, "local[2]");
  }

  /** {@code -Pspark-cluster}: the reference is an undisturbed run on the cluster itself. */
  @Test
  @Tag(LONG)
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void syncOnTheClusterSurvivesALostWorkerWithIdenticalWeights() throws Exception {
    lostWorkerLeavesTheRunIdentical("sync", 1, cluster.masterUrl());
  }

  /** {@code -Pspark-cluster}: averaging every 4 steps, reference on the cluster. */
  @Test
  @Tag(LONG)
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void averagingSurvivesALostWorkerWithIdenticalWeights() throws Exception {
    lostWorkerLeavesTheRunIdentical("average", 4, cluster.masterUrl());
  }

  private void lostWorkerLeavesTheRunIdentical(String mode, int k, String referenceMaster)
      throws Exception {
    Path dir = tmp.resolve(mode + (referenceMaster.startsWith("local") ? "-local" : "-cluster"));
    java.nio.file.Files.createDirectories(dir);
    FaultScenario.Outcome clean =
        FaultScenario.run(
            referenceMaster.startsWith("local") ? null : cluster,
            dir,
            mode + "-undisturbed",
            FaultScenario.config(mode + "-undisturbed", dir.resolve("runs"), 1024, EPOCHS, 64),
            referenceMaster,
            FaultScenario.sparkConf(mode, k),
            null,
            RUN_TIMEOUT);
    assertEquals(0, clean.driver().exitCode(), clean.driver().log());

    List<Long> workerPids = cluster.workerProcessIds(1);
    FaultScenario.Outcome hit =
        FaultScenario.run(
            cluster,
            dir,
            mode + "-worker-lost",
            FaultScenario.config(mode + "-worker-lost", dir.resolve("runs"), 1024, EPOCHS, 64),
            cluster.masterUrl(),
            FaultScenario.sparkConf(mode, k),
            new DriverRun.Kill(1, 1),
            RUN_TIMEOUT);
    System.out.printf(
        "%s: undisturbed run on %s %.1f s, run losing worker 1 (pids %s) after epoch %d: %.1f s%n",
        mode,
        referenceMaster,
        clean.driver().seconds(),
        hit.driver().killed(),
        hit.driver().epochAtKill(),
        hit.driver().seconds());
    try {
      DriverRun d = hit.driver();
      String log = d.log();
      assertEquals(0, d.exitCode(), log);
      assertTrue(d.epochAtKill() >= 1 && d.epochAtKill() < EPOCHS, "killed at " + d.epochAtKill());
      assertTrue(d.killed().size() >= 2, "worker and executor killed: " + d.killed());
      assertTrue(d.killed().containsAll(workerPids.subList(0, 1)), d.killed() + " " + workerPids);
      for (long pid : d.killed()) {
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
      }
      assertTrue(log.contains("Lost executor") || log.contains("Executor lost"), log);
      assertTrue(log.contains("completed: "), log);
      assertEquals(List.of(), FaultScenario.runFolderProblems(hit.runDir(), EPOCHS));
      assertEquals(List.of(), FaultScenario.runFolderProblems(clean.runDir(), EPOCHS));
      assertEquals(
          List.of(),
          FaultScenario.differingCheckpointFiles(
              clean.checkpointDir(), hit.checkpointDir(), EPOCHS));
      assertEquals(
          FaultScenario.trainLosses(clean.checkpointDir()),
          FaultScenario.trainLosses(hit.checkpointDir()));
    } finally {
      cluster.restartDeadWorkers();
    }
  }
}
