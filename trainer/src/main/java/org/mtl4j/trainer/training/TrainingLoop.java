package org.mtl4j.trainer.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.optim.Optimizer;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingStep;
import org.mtl4j.trainer.analysis.AffinityMeter;
import org.mtl4j.trainer.analysis.AffinityStatistics;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointException;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.BatchAssembler;
import org.mtl4j.trainer.data.Permutations;
import org.mtl4j.trainer.data.Split;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * The epoch loop of one model: per epoch a seeded shuffle, then per mini-batch a scope, a graph,
 * the forward pass, each task's loss, the weighting method's backward, gradient clipping, the
 * scheduled optimiser step and zeroed gradients; after each epoch validation, the weighting
 * method's epoch hook, a checkpoint and early stopping.
 *
 * <p>All randomness derives from the seed and the epoch or step counters (shuffles from {@code
 * derive(seed, 1000 + epoch)}, dropout from {@code derive(seed, 1_000_000 + step)}), so a run
 * resumed from an epoch checkpoint continues exactly as an uninterrupted one.
 */
public final class TrainingLoop {
  private final Mtl4jConfig config;
  private final String configYaml;
  private final ComputeBackend backend;
  private final MultiTaskNetwork net;
  private final TaskWeighting weighting;
  private final Optimizer optimizer;
  private final List<TrainingListener> listeners;
  private final AtomicBoolean cancelled;
  private final Path checkpointDir;
  private final CheckpointStore store = new CheckpointStore();
  private final Map<String, Object> preprocessing;
  private final List<Parameter> params;
  private final AffinityMeter affinity;
  private long analysisNanos;
  private Split testEachEpoch;

  /** The state after {@link #run}. */
  public record Outcome(List<EpochRecord> history, String stopReason) {}

  /**
   * @param checkpointDir where epoch checkpoints go, or null for none (baselines)
   */
  public TrainingLoop(
      Mtl4jConfig config,
      String configYaml,
      ComputeBackend backend,
      MultiTaskNetwork net,
      TaskWeighting weighting,
      List<TrainingListener> listeners,
      AtomicBoolean cancelled,
      Path checkpointDir,
      Map<String, Object> preprocessing) {
    this.config = config;
    this.configYaml = configYaml;
    this.backend = backend;
    this.net = net;
    this.weighting = weighting;
    this.optimizer = OptimizerFactory.create(config.optimizer(), backend);
    this.affinity =
        config.analysis().affinity()
            ? new AffinityMeter(
                net.tasks(),
                config.analysis().lookaheadLr() > 0
                    ? config.analysis().lookaheadLr()
                    : config.optimizer().lr(),
                config.analysis().sampleEvery())
            : null;
    this.listeners = List.copyOf(listeners);
    this.cancelled = cancelled;
    this.checkpointDir = checkpointDir;
    this.preprocessing = preprocessing;
    List<Parameter> all = new ArrayList<>(net.parameters());
    all.addAll(weighting.parameters());
    this.params = List.copyOf(all);
  }

  public List<Parameter> parameters() {
    return params;
  }

  /**
   * Also scores {@code test} after every epoch and reports it to the listeners' {@link
   * TrainingListener#tested}; null (the default) for none. The epoch's recorded time excludes it.
   */
  public void reportTestEachEpoch(Split test) {
    this.testEachEpoch = test;
  }

  /** Trains from scratch, or continues from {@code resume} when not null. */
  public Outcome run(Split train, Split validation, Checkpoint resume) {
    List<Task> tasks = net.tasks();
    int batchSize = config.training().batchSize();
    int epochs = config.training().epochs();
    int stepsPerEpoch = (train.size() + batchSize - 1) / batchSize;
    LearningRateSchedule schedule = LearningRateSchedule.forRun(config, train.size());
    List<EpochRecord> history = new ArrayList<>();
    int startEpoch = 0;
    long step = 0;
    EarlyStopping stopping = EarlyStopping.forRun(config.training().earlyStopping(), resume);
    if (resume != null) {
      restore(resume);
      history.addAll(resume.history());
      startEpoch = resume.epoch();
      step = resume.step();
      message("resumed after epoch " + startEpoch + " (step " + step + ")");
    }
    for (TrainingListener l : listeners) {
      l.started(
          epochs,
          stepsPerEpoch,
          tasks.size()
              + " tasks, "
              + train.size()
              + " training examples, "
              + validation.size()
              + " validation");
    }
    BatchAssembler assembler = new BatchAssembler(tasks);
    Evaluator evaluator = new Evaluator(backend, Math.max(batchSize, 256));
    double[] taskWeights = new double[tasks.size()];
    double lr = config.optimizer().lr();
    for (int epoch = startEpoch; epoch < epochs; epoch++) {
      long t0 = System.nanoTime();
      int[] order = Permutations.of(train.size(), CounterRng.derive(config.seed(), 1000 + epoch));
      double[] lossSum = new double[tasks.size()];
      int s = 0;
      for (int from = 0; from < train.size(); from += batchSize, s++) {
        if (cancelled.get()) {
          message(
              "cancelled during epoch "
                  + (epoch + 1)
                  + "; the last checkpoint is from epoch "
                  + epoch);
          return new Outcome(history, "cancelled");
        }
        int n = Math.min(batchSize, train.size() - from);
        double[] lv;
        try (TensorScope scope = backend.openScope()) {
          Batch batch = assembler.assemble(backend, train, order, from, n);
          if (affinity != null && affinity.shouldSample(step)) {
            long a0 = System.nanoTime();
            affinity.measure(net, batch, backend, epoch);
            analysisNanos += System.nanoTime() - a0;
          }
          Graph g = new Graph(backend, CounterRng.derive(config.seed(), 1_000_000L + step));
          NetworkOutput out = net.forward(g, g.constant(batch.features()), Mode.TRAIN);
          List<Var> losses = new ArrayList<>();
          for (Task t : tasks) {
            losses.add(
                t.loss()
                    .apply(g, out.output(t.name()), batch.target(t.name()), batch.mask(t.name())));
          }
          lv = new double[tasks.size()];
          for (int t = 0; t < lv.length; t++) {
            lv[t] = backend.scalar(losses.get(t).value());
            if (!Double.isFinite(lv[t])) {
              throw new TrainingDivergedException(
                  "the loss of task "
                      + tasks.get(t).name()
                      + " became "
                      + lv[t]
                      + " at epoch "
                      + (epoch + 1)
                      + ", step "
                      + (s + 1)
                      + " of "
                      + stepsPerEpoch
                      + "; training stopped"
                      + (checkpointDir != null && CheckpointStore.exists(checkpointDir)
                          ? " and the last good checkpoint (epoch "
                              + epoch
                              + ") was kept in "
                              + checkpointDir
                          : " before any checkpoint was written")
                      + ". Try a lower optimizer.lr or optimizer.clip_norm.");
            }
          }
          WeightingStep ws = WeightingStep.of(net, g, losses, out.representation(), epoch, step);
          taskWeights = weighting.backward(ws);
        }
        if (config.optimizer().clipNorm() > 0) {
          GradientClipping.clip(backend, params, config.optimizer().clipNorm());
        }
        lr = schedule.at(step);
        optimizer.setLearningRate(lr);
        optimizer.step(params);
        weighting.afterOptimizerStep();
        optimizer.zeroGrad(params);
        step++;
        for (int t = 0; t < lv.length; t++) {
          lossSum[t] += lv[t];
        }
        for (TrainingListener l : listeners) {
          l.step(epoch + 1, s + 1, stepsPerEpoch, lv);
        }
      }
      double[] mean = new double[tasks.size()];
      for (int t = 0; t < mean.length; t++) {
        mean[t] = lossSum[t] / Math.max(1, s);
      }
      weighting.endEpoch(epoch, mean);
      Map<String, TaskScores> val =
          validation.size() > 0 ? evaluator.evaluate(net, validation) : Map.of();
      EpochRecord rec =
          EpochRecord.of(
              epoch + 1, tasks.stream().map(Task::name).toList(), mean, val, taskWeights, lr, t0);
      history.add(rec);
      boolean stop = stopping.update(val);
      if (checkpointDir != null) {
        store.save(
            checkpointDir,
            snapshot(epoch + 1, step, history, stopping.best(), stopping.badEpochs()));
      }
      for (TrainingListener l : listeners) {
        l.epoch(rec);
      }
      if (testEachEpoch != null) {
        Map<String, TaskScores> test = evaluator.evaluate(net, testEachEpoch);
        for (TrainingListener l : listeners) {
          l.tested(epoch + 1, test);
        }
      }
      if (stop) {
        message(stopping.reason());
        return new Outcome(history, "early-stopped");
      }
    }
    return new Outcome(history, "completed");
  }

  /** The task-relationship measurements of this run, or null when analysis is off. */
  public AffinityStatistics affinityStatistics() {
    return affinity == null ? null : affinity.statistics();
  }

  /** Wall time spent on analysis measurements so far. */
  public double analysisSeconds() {
    return analysisNanos / 1e9;
  }

  private void message(String text) {
    for (TrainingListener l : listeners) {
      l.message(text);
    }
  }

  /** The current state as a checkpoint. */
  public Checkpoint snapshot(
      int epoch, long step, List<EpochRecord> history, double best, int bad) {
    Map<String, SafeTensors.Entry> weights = new LinkedHashMap<>();
    for (Parameter p : params) {
      weights.put(p.name(), new SafeTensors.Entry(p.shape().dims(), backend.toHost(p.value())));
    }
    List<Checkpoint.TaskInfo> infos =
        net.tasks().stream()
            .map(t -> new Checkpoint.TaskInfo(t.name(), t.type().configName(), t.outputSize()))
            .toList();
    return new Checkpoint(
        configYaml,
        config.seed(),
        epoch,
        step,
        weights,
        optimizer.state(),
        weighting.state(),
        history,
        infos,
        preprocessing,
        best,
        bad);
  }

  private void restore(Checkpoint c) {
    if (c.seed() != config.seed()) {
      throw new CheckpointException(
          "checkpoint seed " + c.seed() + " differs from config seed " + config.seed());
    }
    restoreWeights(backend, params, c.weights());
    optimizer.restore(c.optimizerState(), params);
    weighting.restore(c.weightingState());
  }

  /** Copies checkpoint weights into the parameters, checking names and shapes. */
  public static void restoreWeights(
      ComputeBackend backend, List<Parameter> params, Map<String, SafeTensors.Entry> weights) {
    for (Parameter p : params) {
      SafeTensors.Entry e = weights.get(p.name());
      if (e == null) {
        throw new CheckpointException(
            "checkpoint has no weights for parameter "
                + p.name()
                + "; it was written for another model");
      }
      if (!java.util.Arrays.equals(e.shape(), p.shape().dims())) {
        throw new CheckpointException(
            "checkpoint weights "
                + p.name()
                + " have shape "
                + java.util.Arrays.toString(e.shape())
                + ", the model expects "
                + p.shape());
      }
      backend.upload(e.data(), p.value());
    }
  }

  public void close() {
    optimizer.close();
  }
}
