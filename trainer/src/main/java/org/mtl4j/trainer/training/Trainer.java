package org.mtl4j.trainer.training;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Metrics;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.trainer.analysis.AffinityOutcome;
import org.mtl4j.trainer.analysis.AffinityReport;
import org.mtl4j.trainer.analysis.AffinityStatistics;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointException;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.FileManifest;
import org.mtl4j.trainer.config.ConfigWriter;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.data.DataException;
import org.mtl4j.trainer.data.Dataset;
import org.mtl4j.trainer.data.Datasets;
import org.mtl4j.trainer.data.Split;
import org.mtl4j.trainer.data.TargetScaling;
import org.mtl4j.trainer.metrics.DeltaM;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;
import org.mtl4j.trainer.report.RunReporter;
import org.mtl4j.trainer.run.RunFolder;
import org.mtl4j.trainer.run.RunFolderException;

/**
 * Trains the configured multi-task model end to end: loads the data, opens the backend, builds the
 * network and weighting method, runs the {@link TrainingLoop}, evaluates on the test split and
 * writes the run folder ({@code <output>/<name>/}: reports plus {@code checkpoint/}). Optionally
 * trains one single-task baseline per task with the same budget and reports Δm.
 *
 * <p>Thread-safe controls: {@link #cancel()} may be called from any thread; listeners are called on
 * the training thread.
 */
public final class Trainer {
  private static final System.Logger LOG = System.getLogger(Trainer.class.getName());
  private final Mtl4jConfig config;
  private final Datasets datasets;
  private final BackendFactory backends;
  private final NetworkFactory networks;
  private final RunReporter reporter;
  private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private volatile boolean testEachEpoch;
  private volatile boolean overwrite;

  public Trainer(
      Mtl4jConfig config,
      Datasets datasets,
      BackendFactory backends,
      NetworkFactory networks,
      RunReporter reporter) {
    this.config = config;
    this.datasets = datasets;
    this.backends = backends;
    this.networks = networks;
    this.reporter = reporter;
  }

  public Mtl4jConfig config() {
    return config;
  }

  public Trainer addListener(TrainingListener l) {
    listeners.add(l);
    return this;
  }

  public void removeListener(TrainingListener l) {
    listeners.remove(l);
  }

  /**
   * Also scores the test split after every epoch of the multi-task run and reports it to the
   * listeners ({@link TrainingListener#tested}), as LibMTL does to report the test scores of the
   * epoch selected on validation ({@code mtl4j compare}); off by default.
   */
  public Trainer testEachEpoch(boolean on) {
    testEachEpoch = on;
    return this;
  }

  /** Asks a running {@link #train} to stop before its next step; safe from any thread. */
  public void cancel() {
    cancelled.set(true);
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  /** The run folder: {@code <output>/<name>}. */
  public Path runDir() {
    return Path.of(config.output(), config.name());
  }

  /**
   * Whether a new run may replace a run its folder already holds ({@code --overwrite}); off by
   * default, when such a run is refused (and {@code epochs: 0} writes nothing there).
   */
  public Trainer overwrite(boolean on) {
    overwrite = on;
    return this;
  }

  /** Trains from scratch. */
  public TrainingResult train() {
    return train(null, false);
  }

  /**
   * Trains, optionally continuing from a checkpoint folder (or a run folder holding one) and
   * optionally followed by single-task baselines. The run folder is locked for the whole run
   * ({@link RunFolder}).
   *
   * @throws RunFolderException when the folder is in use, cannot be written, or holds a run that
   *     this new one would replace without {@link #overwrite}
   * @throws ReportsNotWrittenException when training ended but its reports could not be written; it
   *     carries the result
   */
  public TrainingResult train(Path resumeFrom, boolean baselines) {
    cancelled.set(false);
    try (RunFolder folder = RunFolder.open(config.output(), config.name())) {
      return train(folder, resumeFrom, baselines);
    }
  }

  private TrainingResult train(RunFolder folder, Path resumeFrom, boolean baselines) {
    Checkpoint resume = null;
    if (resumeFrom != null) {
      resume = new CheckpointStore().load(checkpointDir(resumeFrom));
    }
    Path runDir = folder.dir();
    // a new run into a folder holding one: refused, unless on purpose; --epochs 0 writes nothing
    boolean writes = true;
    if (resume == null && folder.holdsRun() && !overwrite) {
      if (config.training().epochs() > 0) {
        throw new RunFolderException(
            runDir
                + ": holds a run; a new run does not replace it: continue it with --resume "
                + runDir
                + ", train under another --name, or replace it with --overwrite");
      }
      writes = false;
      message(runDir + " holds a run: --epochs 0 checks the config and writes nothing there");
    }
    String yaml = new ConfigWriter().toYaml(config);
    Dataset data =
        datasets.load(
            config.data(),
            resume == null
                ? config.tasks()
                : TargetScaling.asTrained(config.tasks(), resume.preprocessing()),
            config.seed());
    Datasets.TrainValidation tv =
        Datasets.splitValidation(data.train(), config.training().validationSplit(), config.seed());
    Path ckptDir = runDir.resolve("checkpoint");
    BackendFactory.Opened opened = backends.open(config.backend());
    try (ComputeBackend backend = opened.backend()) {
      message(
          "backend "
              + backend.name()
              + " ("
              + backend.deviceDescription()
              + "): "
              + opened.reason());
      Map<String, Object> pre = new LinkedHashMap<>(data.preprocessing());
      pre.put("input_size", data.inputSize());
      EpochDriver.Outcome outcome;
      Map<String, TaskScores> test;
      AffinityStatistics affinity;
      double analysisSeconds;
      try (MultiTaskNetwork net =
              networks.network(config, data.inputLayout(), data.tasks(), backend);
          TaskWeighting weighting = networks.weighting(config, data.tasks(), backend)) {
        // only now that data, backend and model are known to work is an old run replaced
        if (resume == null && writes) {
          folder.clear();
        }
        if (writes) {
          folder.record("checkpoint/");
        }
        TrainingLoop loop =
            new TrainingLoop(
                config,
                yaml,
                backend,
                net,
                weighting,
                listeners,
                cancelled,
                writes ? ckptDir : null,
                pre);
        if (testEachEpoch) {
          loop.reportTestEachEpoch(data.test());
        }
        try {
          // the config is written once the checkpoint (if any) has been accepted
          outcome =
              loop.run(
                  tv.train(),
                  tv.validation(),
                  resume,
                  writes ? () -> writeConfig(folder, yaml) : () -> {});
        } finally {
          loop.close();
        }
        affinity = loop.affinityStatistics();
        analysisSeconds = loop.analysisSeconds();
        test =
            outcome.stopReason() == StopReason.CANCELLED
                ? Map.of()
                : new Evaluator(backend, 512).evaluate(net, data.test());
      }
      TrainingResult result =
          new TrainingResult(
              runDir,
              backend.deviceDescription(),
              outcome.history(),
              test,
              outcome.stopReason().label(),
              List.of(),
              Double.NaN,
              null);
      if (baselines && outcome.stopReason() != StopReason.CANCELLED && writes) {
        // (a check with --epochs 0 of a folder holding a run leaves its baselines alone too)
        folder.record("baselines/");
        result = withBaselines(result, backend, data, tv, pre);
      }
      if (affinity != null) {
        int resumedEpochs = resume == null ? 0 : resume.history().size();
        double trainingSeconds =
            result.history().stream().skip(resumedEpochs).mapToDouble(EpochRecord::seconds).sum();
        AffinityOutcome a =
            new AffinityOutcome(
                AffinityReport.of(affinity, config.analysis().maxGroups()),
                affinity,
                analysisSeconds,
                trainingSeconds);
        result = result.withAnalysis(a);
      }
      if (writes) {
        writeReports(folder, result);
      }
      return result;
    }
  }

  private void writeConfig(RunFolder folder, String yaml) {
    folder.record("config.yaml");
    try {
      reporter.writeConfig(folder.dir(), yaml);
    } catch (UncheckedIOException e) {
      throw new RunFolderException(
          folder.dir().resolve("config.yaml")
              + ": cannot be written ("
              + RunFolder.reason(e.getCause())
              + "); nothing was trained",
          e);
    }
  }

  /** The reports; when they cannot be written the result is kept and the error names where. */
  private void writeReports(RunFolder folder, TrainingResult result) {
    Path runDir = folder.dir();
    try {
      folder.record("metrics.csv", "summary.json", "curves.png");
      if (result.analysis() != null) {
        folder.record(RunReporter.AFFINITY_FILES.toArray(String[]::new));
        reporter.writeAffinity(runDir, result.analysis());
      }
      reporter.write(runDir, taskNames(), mainMetrics(), result.history(), summary(result));
    } catch (UncheckedIOException | RunFolderException e) {
      Throwable cause = e.getCause();
      String why = cause instanceof java.io.IOException io ? RunFolder.reason(io) : e.getMessage();
      throw new ReportsNotWrittenException(
          result,
          runDir
              + ": training finished but its reports (metrics.csv, summary.json, curves.png)"
              + " could not be written ("
              + why
              + "); the results above are the run's, its checkpoint is in "
              + runDir.resolve("checkpoint"));
    }
  }

  /** Scores the checkpoint in {@code dir} on this config's test split. */
  public Map<String, TaskScores> evaluate(Path dir) {
    try (TrainedModel m = TrainedModel.load(dir, config, backends, networks)) {
      Dataset data =
          datasets.load(
              config.data(),
              TargetScaling.asTrained(config.tasks(), m.checkpoint().preprocessing()),
              config.seed());
      Object trained = m.checkpoint().preprocessing().get("input_size");
      if (trained instanceof Number n && n.intValue() != data.inputSize()) {
        throw new CheckpointException(
            dir
                + ": the model was trained on "
                + n.intValue()
                + " input features, the data to evaluate ("
                + config.data().source()
                + ") gives "
                + data.inputSize()
                + "; evaluate with data of the columns it was trained on");
      }
      Object fitted = m.checkpoint().preprocessing().get("features");
      if (fitted != null && !fitted.equals(data.preprocessing().get("features"))) {
        throw new DataException(
            dir
                + ": the CSV feature statistics fitted on the configured data differ from those"
                + " the checkpoint was trained with (the data changed since training, or this is"
                + " the baseline of a task with its own data set, trained with the statistics of"
                + " the union of every task's data); its scores would not be comparable");
      }
      return new Evaluator(m.backend(), 512).evaluate(m.network(), data.test());
    }
  }

  /** Predicts every task for the rows of {@code input}; returns the number of rows. */
  public int predict(Path dir, Path input, Path output) {
    return predict(dir, input, output, List.of());
  }

  /**
   * Predicts every task for the rows of {@code input}, copying the id columns and the columns in
   * {@code keep} to the output; returns the number of rows.
   */
  public int predict(Path dir, Path input, Path output, List<String> keep) {
    return predict(dir, input, output, keep, List.of(), true);
  }

  /**
   * Predicts the tasks in {@code tasks} (every task when empty) for the rows of {@code input},
   * copying the id columns and the columns in {@code keep}; returns the number of rows.
   */
  public int predict(Path dir, Path input, Path output, List<String> keep, List<String> tasks) {
    return predict(dir, input, output, keep, tasks, true);
  }

  /**
   * As {@link #predict(Path, Path, Path, List, List)}; {@code formulaGuard} false writes text cells
   * that start with {@code = + - @} as they are (see {@link org.mtl4j.trainer.io.CsvOutput}).
   */
  public int predict(
      Path dir,
      Path input,
      Path output,
      List<String> keep,
      List<String> tasks,
      boolean formulaGuard) {
    try (TrainedModel m = TrainedModel.load(dir, config, backends, networks)) {
      return Predictor.predict(m, input, output, keep, tasks, formulaGuard);
    }
  }

  /**
   * Trains one single-task model per task with the multi-task run's budget, keeps each one's
   * checkpoint and config in {@code <run>/baselines/<task>/} (a run folder that {@code evaluate},
   * {@code predict} and {@code --resume} accept) and compares every metric of every task. Δm
   * averages one term per task, its first (main) metric, as Maninis et al. define it.
   */
  private TrainingResult withBaselines(
      TrainingResult mtl,
      ComputeBackend backend,
      Dataset data,
      Datasets.TrainValidation tv,
      Map<String, Object> pre) {
    List<DeltaM.Comparison> comps = new ArrayList<>();
    List<DeltaM.Comparison> main = new ArrayList<>();
    Path baselineDir = runDir().resolve("baselines");
    for (int t = 0; t < data.tasks().size(); t++) {
      Task task = data.tasks().get(t);
      TaskConfig tc = config.tasks().get(t);
      message("baseline: training a single-task model for " + task.name());
      Map<String, TaskScores> scores =
          trainSingleTask(t, backend, data, tv, pre, List.of(), baselineDir);
      for (int m = 0; m < tc.metrics().size(); m++) {
        String metric = tc.metrics().get(m);
        DeltaM.Comparison c =
            new DeltaM.Comparison(
                task.name(),
                metric,
                mtl.test().get(task.name()).get(metric),
                scores.get(task.name()).get(metric),
                Metrics.byName(metric).higherIsBetter());
        comps.add(c);
        if (m == 0) {
          main.add(c);
        }
      }
    }
    return mtl.withBaselines(comps, DeltaM.of(main));
  }

  /**
   * Trains only the single-task baseline of {@code task}, exactly as {@link #train(Path, boolean)}
   * with baselines does (the data loaded with every task of the config, so that the other tasks'
   * label columns stay labels), into {@code <run>/baselines/<task>/}, reporting to the listeners.
   * Returns its test scores.
   */
  public Map<String, TaskScores> trainBaseline(String task) {
    cancelled.set(false);
    int t = taskNames().indexOf(task);
    if (t < 0) {
      throw new IllegalArgumentException("no task " + task + " in " + taskNames());
    }
    try (RunFolder folder = RunFolder.open(config.output(), config.name())) {
      Dataset data = datasets.load(config.data(), config.tasks(), config.seed());
      Datasets.TrainValidation tv =
          Datasets.splitValidation(
              data.train(), config.training().validationSplit(), config.seed());
      try (ComputeBackend backend = backends.open(config.backend()).backend()) {
        Map<String, Object> pre = new LinkedHashMap<>(data.preprocessing());
        pre.put("input_size", data.inputSize());
        folder.record("baselines/");
        return trainSingleTask(
            t, backend, data, tv, pre, listeners, folder.dir().resolve("baselines"));
      }
    }
  }

  /** Trains task {@code t}'s single-task model in {@code <baselineDir>/<task>}; its test scores. */
  private Map<String, TaskScores> trainSingleTask(
      int t,
      ComputeBackend backend,
      Dataset data,
      Datasets.TrainValidation tv,
      Map<String, Object> pre,
      List<TrainingListener> to,
      Path baselineDir) {
    Task task = data.tasks().get(t);
    Mtl4jConfig single = SingleTaskBaseline.config(config, t, baselineDir);
    Split train = tv.train();
    Split validation = tv.validation();
    Split test = data.test();
    if (SingleTaskBaseline.ownData(config)) {
      // the task alone on its own data set D_t: the rows labelled for it
      train = train.labelled(task.name());
      validation = validation.labelled(task.name());
      test = test.labelled(task.name());
    }
    Path dir = baselineDir.resolve(task.name());
    String yaml = new ConfigWriter().toYaml(single);
    try (MultiTaskNetwork net =
            networks.network(single, data.inputLayout(), List.of(task), backend);
        TaskWeighting w = networks.weighting(single, List.of(task), backend)) {
      try {
        // a baseline folder holds only what mtl4j recorded writing there: the earlier baseline
        FileManifest.removeAll(dir);
        FileManifest.record(baselineDir, task.name() + "/");
        FileManifest.record(dir, "config.yaml", "checkpoint/");
      } catch (java.io.IOException e) {
        throw new RunFolderException(dir + ": cannot be written (" + RunFolder.reason(e) + ")", e);
      }
      reporter.writeConfig(dir, yaml);
      TrainingLoop loop =
          new TrainingLoop(
              single, yaml, backend, net, w, to, cancelled, dir.resolve("checkpoint"), pre);
      if (testEachEpoch) {
        loop.reportTestEachEpoch(test);
      }
      try {
        loop.run(train, validation, null);
      } finally {
        loop.close();
      }
      return new Evaluator(backend, 512).evaluate(net, test);
    }
  }

  private Map<String, Object> summary(TrainingResult r) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("name", config.name());
    s.put("backend", r.backend());
    s.put("strategy", config.model().strategy());
    s.put("weighting", config.weighting().method());
    s.put("stop_reason", r.stopReason());
    s.put("epochs", r.history().size());
    if (!r.history().isEmpty()) {
      s.put("seconds_per_epoch", r.secondsPerEpoch());
    }
    Map<String, Object> test = new LinkedHashMap<>();
    r.test().forEach((k, v) -> test.put(k, scoreMap(v)));
    s.put("test", test);
    if (!r.history().isEmpty()) {
      Map<String, Object> val = new LinkedHashMap<>();
      r.history()
          .get(r.history().size() - 1)
          .validation()
          .forEach((k, v) -> val.put(k, scoreMap(v)));
      s.put("validation", val);
    }
    if (!r.baselines().isEmpty()) {
      List<Object> b = new ArrayList<>();
      for (DeltaM.Comparison c : r.baselines()) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("task", c.task());
        e.put("metric", c.metric());
        e.put("multi_task", finite(c.multiTask()));
        e.put("single_task", finite(c.singleTask()));
        e.put("relative_gain", finite(c.gain()));
        e.put("checkpoint", "baselines/" + c.task());
        b.add(e);
      }
      s.put("baselines", b);
      s.put("delta_m", finite(r.deltaM()));
    }
    if (r.analysis() != null) {
      s.put("analysis", r.analysis().toMap(r.gains()));
    }
    return s;
  }

  private static Map<String, Object> scoreMap(TaskScores v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("loss", finite(v.loss()));
    v.metrics().forEach((k, x) -> m.put(k, finite(x)));
    return m;
  }

  private static Object finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private List<String> taskNames() {
    return config.tasks().stream().map(TaskConfig::name).toList();
  }

  private List<String> mainMetrics() {
    return config.tasks().stream().map(t -> t.metrics().get(0)).toList();
  }

  private void message(String text) {
    LOG.log(System.Logger.Level.DEBUG, text);
    for (TrainingListener l : listeners) {
      l.message(text);
    }
  }

  /** A checkpoint folder given either itself or the run folder holding {@code checkpoint/}. */
  public static Path checkpointDir(Path dir) {
    return CheckpointStore.exists(dir) ? dir : dir.resolve("checkpoint");
  }
}
