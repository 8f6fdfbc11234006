package org.mtl4j.spark.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code spark/scripts/standalone-fault.sh}: the worker-loss experiment of {@code
 * StandaloneFaultTest} at a chosen size. Starts a standalone master and workers on 127.0.0.1, and
 * per mode trains once undisturbed and once losing worker 1 (SIGKILL of the worker and its
 * executor) after a checkpointed epoch, then prints wall times, what the driver logged about the
 * loss, the run folders' soundness and whether the checkpoints are byte-identical. Exit 0 when
 * every run completed with a sound folder and identical checkpoints, else 1.
 *
 * <pre>
 * --rows N (20000) --epochs E (3) --batch B (64) --modes sync,average --average-every K (8)
 * --kill-after-epoch N (1) --worker-memory MB (1024) --timeout-s S (1800) --dir DIR
 * </pre>
 */
public final class StandaloneFaultRun {
  private StandaloneFaultRun() {}

  public static void main(String[] args) throws Exception {
    int rows = 20_000;
    int epochs = 3;
    int batch = 64;
    int k = 8;
    int killAfter = 1;
    int workerMb = 1024;
    long timeoutS = 1800;
    List<String> modes = List.of("sync", "average");
    Path dir = Path.of("spark", "target", "standalone-fault-" + System.currentTimeMillis());
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        usage(args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--rows" -> rows = Integer.parseInt(v);
        case "--epochs" -> epochs = Integer.parseInt(v);
        case "--batch" -> batch = Integer.parseInt(v);
        case "--modes" -> modes = List.of(v.split(","));
        case "--average-every" -> k = Integer.parseInt(v);
        case "--kill-after-epoch" -> killAfter = Integer.parseInt(v);
        case "--worker-memory" -> workerMb = Integer.parseInt(v);
        case "--timeout-s" -> timeoutS = Long.parseLong(v);
        case "--dir" -> dir = Path.of(v);
        default -> usage("unknown argument " + args[i]);
      }
    }
    if (killAfter < 1 || killAfter >= epochs) {
      usage("--kill-after-epoch must be in [1, epochs - 1] so that the kill lands mid-run");
    }
    Files.createDirectories(dir);
    boolean ok = true;
    long t0 = System.nanoTime();
    Set<Long> pids;
    try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, workerMb)) {
      System.out.printf(
          "cluster: master %s and 2 workers (1 core, %d MiB each) up in %.1f s; logs in %s%n",
          cluster.masterUrl(), workerMb, (System.nanoTime() - t0) / 1e9, cluster.dir());
      for (String mode : modes) {
        ok &= runMode(cluster, dir, mode, rows, epochs, batch, k, killAfter, timeoutS);
      }
      pids = cluster.processIds();
    }
    List<Long> alive =
        pids.stream()
            .filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false))
            .toList();
    System.out.println(
        "processes started: "
            + pids.size()
            + ", still running after the cluster stopped: "
            + (alive.isEmpty() ? "none" : alive));
    ok &= alive.isEmpty();
    System.out.printf("total %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, ok ? "OK" : "FAILED");
    System.exit(ok ? 0 : 1);
  }

  private static boolean runMode(
      StandaloneCluster cluster,
      Path dir,
      String mode,
      int rows,
      int epochs,
      int batch,
      int k,
      int killAfter,
      long timeoutS)
      throws Exception {
    Path d = Files.createDirectories(dir.resolve(mode));
    Duration timeout = Duration.ofSeconds(timeoutS);
    List<String> problems = new ArrayList<>();
    System.out.printf(
        "%n== %s mode: %d rows, %d epochs, batch %d%s ==%n",
        mode, rows, epochs, batch, mode.equals("average") ? ", k " + k : "");
    FaultScenario.Outcome clean =
        FaultScenario.run(
            cluster,
            d,
            mode + "-undisturbed",
            FaultScenario.config(mode + "-undisturbed", d.resolve("runs"), rows, epochs, batch),
            cluster.masterUrl(),
            FaultScenario.sparkConf(mode, k),
            null,
            timeout);
    report(clean, epochs, problems);
    FaultScenario.Outcome hit =
        FaultScenario.run(
            cluster,
            d,
            mode + "-worker-lost",
            FaultScenario.config(mode + "-worker-lost", d.resolve("runs"), rows, epochs, batch),
            cluster.masterUrl(),
            FaultScenario.sparkConf(mode, k),
            new DriverRun.Kill(1, killAfter),
            timeout);
    System.out.printf(
        "killed worker 1 and its executor (pids %s) once epoch %d was checkpointed%n",
        hit.driver().killed(), hit.driver().epochAtKill());
    if (hit.driver().killed().isEmpty()) {
      problems.add("the run ended before the kill");
    }
    report(hit, epochs, problems);
    System.out.println("driver log of the run that lost the worker (excerpt):");
    for (String line :
        hit.driver()
            .lines(
                25,
                "Lost executor",
                "Executor lost",
                "No more replicas",
                "Lost task",
                "failed 4 times",
                "Resubmitt",
                "NODE_LOCAL",
                "unrelated to the task",
                "epoch ",
                "completed: ")) {
      System.out.println("  " + line);
    }
    if (problems.isEmpty()) {
      List<String> diff =
          FaultScenario.differingCheckpointFiles(
              clean.checkpointDir(), hit.checkpointDir(), epochs);
      boolean sameLosses =
          FaultScenario.trainLosses(clean.checkpointDir())
              .equals(FaultScenario.trainLosses(hit.checkpointDir()));
      System.out.println(
          "checkpoints: "
              + (diff.isEmpty()
                  ? "byte-identical (weights and optimiser state)"
                  : "differ: " + diff)
              + "; per-epoch training losses "
              + (sameLosses ? "identical" : "differ"));
      if (!diff.isEmpty() || !sameLosses) {
        problems.add("the run that lost a worker differs from the undisturbed one");
      }
    }
    cluster.restartDeadWorkers();
    problems.forEach(p -> System.out.println("PROBLEM: " + p));
    return problems.isEmpty();
  }

  private static void report(FaultScenario.Outcome o, int epochs, List<String> problems)
      throws Exception {
    DriverRun d = o.driver();
    System.out.printf(
        "%s: exit %d in %.1f s; %s%n",
        o.name(),
        d.exitCode(),
        d.seconds(),
        d.lines(1, "completed: ", "stopped").stream().findFirst().orElse("(no completion line)"));
    if (d.exitCode() != 0) {
      problems.add(o.name() + " exited with " + d.exitCode() + "; see " + o.runDir());
      return;
    }
    List<String> folder = FaultScenario.runFolderProblems(o.runDir(), epochs);
    System.out.println(
        "  run folder " + o.runDir() + ": " + (folder.isEmpty() ? "sound" : folder.toString()));
    folder.forEach(f -> problems.add(o.name() + ": " + f));
  }

  private static void usage(String problem) {
    System.err.println(
        "standalone-fault: "
            + problem
            + "\nusage: standalone-fault.sh [--rows N] [--epochs E] [--batch B]"
            + " [--modes sync,average] [--average-every K] [--kill-after-epoch N]"
            + " [--worker-memory MB] [--timeout-s S] [--dir DIR]");
    System.exit(2);
  }
}
