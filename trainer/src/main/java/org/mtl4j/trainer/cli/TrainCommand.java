package org.mtl4j.trainer.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.RunNames;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.config.TrainingConfig;
import org.mtl4j.trainer.distributed.DistributedTraining;
import org.mtl4j.trainer.metrics.DeltaM;
import org.mtl4j.trainer.report.RunReporter;
import org.mtl4j.trainer.training.ReportsNotWrittenException;
import org.mtl4j.trainer.training.SeedStatistics;
import org.mtl4j.trainer.training.Trainer;
import org.mtl4j.trainer.training.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mtl4j train}: trains a config and prints per-task test results. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a multi-task model (default: examples/default.yaml).")
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "YAML config")
  Path config;

  @Option(
      names = "--resume",
      paramLabel = "DIR",
      description = "continue from the checkpoint of a run folder (or a checkpoint folder)")
  Path resume;

  @Option(
      names = "--baselines",
      description = "also train one single-task model per task and report gains and Δm")
  boolean baselines;

  @Option(
      names = "--epochs",
      paramLabel = "N",
      description =
          "override training.epochs; 0 sets everything up (config, plugins, data, network),"
              + " trains nothing and evaluates the initial network")
  Integer epochs;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "override the config's seed (initialisation, shuffling, dropout, data splits)")
  Long seed;

  @Option(
      names = "--seeds",
      paramLabel = "K",
      description =
          "train K times with seeds N, N+1, ... (runs in <output>/<name>/seed-<s>/) and report"
              + " each task's metrics and Δm as mean ± std over the seeds")
  Integer seeds;

  @Mixin RunOptions run;

  @Option(names = "--name", paramLabel = "NAME", description = "override the run name")
  String name;

  @Option(
      names = "--overwrite",
      description =
          "replace the run the run folder already holds (its recorded files are removed);"
              + " without it a new run into a folder holding one is refused")
  boolean overwrite;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "override output")
  String output;

  @Option(
      names = "--spark-master",
      paramLabel = "URL",
      description =
          "train on Apache Spark (e.g. local[2], spark://host:7077, yarn); needs mtl4j-spark and"
              + " Spark on the class path")
  String sparkMaster;

  @Override
  public Integer call() {
    if (seeds != null && resume != null) {
      throw new UserErrors.UsageException(
          "--seeds trains from scratch; resume one seed's run folder instead (--resume"
              + " <run>/seed-<s>)");
    }
    if (seed != null && resume != null) {
      throw new UserErrors.UsageException(
          "--seed cannot change a resumed run: it continues with its checkpoint's seed");
    }
    Mtl4jConfig c;
    if (resume != null) {
      c = config != null ? Mtl4j.readConfig(config) : Cli.checkpointConfig(resume);
      Path runDir =
          Trainer.checkpointDir(resume).equals(resume)
              ? resume.toAbsolutePath().getParent()
              : resume.toAbsolutePath();
      c = c.withOutput(runDir.getParent().toString()).withName(runDir.getFileName().toString());
    } else {
      c = Mtl4j.readConfig(config != null ? config : Cli.defaultConfig());
    }
    if (epochs != null) {
      if (epochs < 0 || epochs > TrainingConfig.MAX_EPOCHS) {
        throw new ConfigException(
            List.of(
                "--epochs: '"
                    + epochs
                    + "' is not an integer from 0 to "
                    + TrainingConfig.MAX_EPOCHS
                    + " (0: set up, do not train)"));
      }
      c = c.withTraining(c.training().withEpochs(epochs));
    }
    c = run.apply(c);
    if (seed != null) {
      c = c.withSeed(seed);
    }
    if (seeds != null && seeds < 1) {
      throw new ConfigException(List.of("--seeds: '" + seeds + "' is not an integer >= 1"));
    }
    if (resume != null) {
      Cli.requireEpochsLeft(resume, c);
    }
    if (name != null) {
      RunNames.problem(name)
          .ifPresent(
              p -> {
                throw new UserErrors.UsageException("--name: " + p);
              });
      c = c.withName(name);
    }
    if (output != null) {
      c = c.withOutput(output);
    }
    if (sparkMaster != null) {
      if (seeds != null) {
        throw new UserErrors.UsageException("--seeds is not supported with --spark-master");
      }
      if (baselines) {
        throw new UserErrors.UsageException("--baselines is not supported with --spark-master");
      }
      if (overwrite) {
        throw new UserErrors.UsageException(
            "--overwrite is not supported with --spark-master: a distributed run never replaces a"
                + " finished one; train under another --name");
      }
      DistributedTraining spark =
          ServiceLoader.load(DistributedTraining.class).stream()
              .map(ServiceLoader.Provider::get)
              .filter(d -> d.name().equals("spark"))
              .findFirst()
              .orElseThrow(
                  () ->
                      new UserErrors.UsageException(
                          "--spark-master needs mtl4j-spark and Apache Spark on the class path;"
                              + " submit the spark module's jar with spark-submit (see"
                              + " spark/README.md)"));
      return spark.train(c, sparkMaster, resume, System.out);
    }
    if (seeds != null) {
      return trainSeeds(c);
    }
    printResult(train(c, resume), c);
    return Main.OK;
  }

  /** Trains; when the reports cannot be written, prints the results before the error. */
  private TrainingResult train(Mtl4jConfig c, Path resumeFrom) {
    try {
      return trainOnce(c, resumeFrom);
    } catch (ReportsNotWrittenException e) {
      printResult(e.result(), c);
      throw e;
    }
  }

  private TrainingResult trainOnce(Mtl4jConfig c, Path resumeFrom) {
    Trainer trainer = Mtl4j.trainer(c).overwrite(overwrite);
    List<String> tasks = c.tasks().stream().map(TaskConfig::name).toList();
    trainer.addListener(
        new ConsoleProgress(System.out, System.console() != null, run.quiet, tasks));
    return trainer.train(resumeFrom, baselines);
  }

  /** {@code --seeds K}: K runs under {@code <output>/<name>/seed-<s>/} and their summary. */
  private int trainSeeds(Mtl4jConfig c) {
    Path parent = Path.of(c.output(), c.name());
    List<String> tasks = c.tasks().stream().map(TaskConfig::name).toList();
    List<Long> used = new ArrayList<>();
    List<TrainingResult> results = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < seeds; i++) {
      long s = c.seed() + i;
      System.out.println("seed " + s + " (" + (i + 1) + " of " + seeds + "):");
      Mtl4jConfig ci = c.withSeed(s).withOutput(parent.toString()).withName("seed-" + s);
      TrainingResult r = train(ci, null);
      printResult(r, ci);
      used.add(s);
      results.add(r);
      runs.add("seed-" + s);
    }
    SeedStatistics stats = SeedStatistics.of(used, results, tasks);
    System.out.println("test results over " + seeds + " seeds (mean ± sample std):");
    for (String line : stats.lines()) {
      System.out.println("  " + line);
    }
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("name", c.name());
    summary.put("runs", runs);
    summary.putAll(stats.toMap());
    new RunReporter().writeSummary(parent, summary);
    System.out.println("summary: " + parent.resolve("summary.json"));
    return Main.OK;
  }

  private void printResult(TrainingResult r, Mtl4jConfig c) {
    List<String> tasks = c.tasks().stream().map(TaskConfig::name).toList();
    System.out.println(
        "test results ("
            + r.stopReason()
            + ", "
            + r.history().size()
            + (r.history().size() == 1 ? " epoch" : " epochs")
            + (r.history().isEmpty() ? "" : ", " + Cli.seconds(r.secondsPerEpoch()) + " s/epoch")
            + " on "
            + r.backend()
            + "):");
    System.out.print(Cli.scores(r.test(), tasks));
    if (!r.baselines().isEmpty()) {
      System.out.println(
          "single-task baselines (same budget; checkpoints in "
              + r.runDir().resolve("baselines")
              + "):");
      for (DeltaM.Comparison b : r.baselines()) {
        System.out.printf(
            Locale.ROOT,
            "  %s %s: multi-task %.4f, single-task %.4f, gain %+.2f%%%s%n",
            b.task(),
            b.metric(),
            b.multiTask(),
            b.singleTask(),
            100 * b.gain(),
            b.gain() < 0 ? " (negative transfer)" : "");
      }
      System.out.printf(
          Locale.ROOT, "  Δm = %+.2f%% (each task's first metric)%n", 100 * r.deltaM());
    }
    if (r.analysis() != null) {
      System.out.printf(
          Locale.ROOT,
          "task relations (analysis: affinity, %d sampled steps, %.0f%% extra time):%n",
          r.analysis().report().samples(),
          100 * r.analysis().overhead());
      for (String line : r.analysis().report().lines()) {
        System.out.println("  " + line);
      }
      for (String line : r.analysis().transferLines(r.gains())) {
        System.out.println("  " + line);
      }
    }
    System.out.println("run folder: " + r.runDir());
  }
}
