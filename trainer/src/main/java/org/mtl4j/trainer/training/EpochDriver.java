package org.mtl4j.trainer.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.Split;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * The epoch loop of every training run, local or distributed: resume from a checkpoint, then per
 * epoch the steps (run by a pluggable {@link StepExecutor}: the local {@link TrainingLoop}'s
 * mini-batch steps, Spark's synchronous steps or averaging rounds), each task's mean loss, the
 * weighting method's epoch hook, validation, the epoch record, early stopping (Prechelt 1998) and a
 * checkpoint ({@link TrainingState}). Cancellation is checked before every call of the executor.
 */
public final class EpochDriver {
  private final Mtl4jConfig config;
  private final ComputeBackend backend;
  private final MultiTaskNetwork net;
  private final TaskWeighting weighting;
  private final TrainingState state;
  private final List<TrainingListener> listeners;
  private Split testEachEpoch;
  private final AtomicBoolean cancelled;
  private final Path checkpointDir;
  private final CheckpointStore store = new CheckpointStore();

  /** Runs the steps of an epoch, one or several per call. */
  @FunctionalInterface
  public interface StepExecutor {
    /**
     * Runs one or more steps of {@code epoch}, starting at its 0-based step {@code stepInEpoch}
     * (global step {@code step}), adding their losses to {@code totals}.
     *
     * @return the number of steps taken, at least 1 and at most the steps left in the epoch
     */
    int advance(int epoch, int stepInEpoch, long step, EpochTotals totals);
  }

  /**
   * What the steps of an epoch report: per task a loss sum and the number of losses summed (the
   * mean is their ratio), the weighting method's last task weights and the last learning rate.
   */
  public static final class EpochTotals {
    private final double[] lossSum;
    private final double[] counts;
    private double[] weights;
    private double learningRate;

    EpochTotals(int tasks, double[] weights, double learningRate) {
      this.lossSum = new double[tasks];
      this.counts = new double[tasks];
      this.weights = weights;
      this.learningRate = learningRate;
    }

    /** One step's loss of every task. */
    public void addLosses(double[] losses) {
      for (int t = 0; t < losses.length; t++) {
        lossSum[t] += losses[t];
        counts[t] += 1;
      }
    }

    /** {@code count} losses of task {@code t} summing to {@code sum}. */
    public void addLoss(int t, double sum, double count) {
      lossSum[t] += sum;
      counts[t] += count;
    }

    public void weights(double[] w) {
      weights = w;
    }

    public void learningRate(double lr) {
      learningRate = lr;
    }

    double[] mean() {
      double[] mean = new double[lossSum.length];
      for (int t = 0; t < mean.length; t++) {
        mean[t] = lossSum[t] / Math.max(1, counts[t]);
      }
      return mean;
    }
  }

  /**
   * How a run ended.
   *
   * @param history one record per epoch (resumed epochs included)
   * @param stopReason why it ended
   */
  public record Outcome(List<EpochRecord> history, StopReason stopReason) {
    public Outcome {
      history = List.copyOf(history);
    }
  }

  /**
   * @param checkpointDir where epoch checkpoints go, or null for none
   */
  public EpochDriver(
      Mtl4jConfig config,
      ComputeBackend backend,
      MultiTaskNetwork net,
      TaskWeighting weighting,
      TrainingState state,
      List<TrainingListener> listeners,
      AtomicBoolean cancelled,
      Path checkpointDir) {
    this.config = config;
    this.backend = backend;
    this.net = net;
    this.weighting = weighting;
    this.state = state;
    this.listeners = List.copyOf(listeners);
    this.cancelled = cancelled;
    this.checkpointDir = checkpointDir;
  }

  /**
   * Also scores {@code test} after every epoch and reports it to the listeners' {@link
   * TrainingListener#tested}; null (the default) for none. The epoch's recorded time excludes it.
   */
  public void reportTestEachEpoch(Split test) {
    this.testEachEpoch = test;
  }

  /** Steps per epoch over {@code trainSize} examples: the last batch may be smaller. */
  public static int stepsPerEpoch(int trainSize, int batchSize) {
    return (trainSize + batchSize - 1) / batchSize;
  }

  /** Trains from scratch, or continues from {@code resume} when not null. */
  public Outcome run(int trainSize, Split validation, Checkpoint resume, StepExecutor steps) {
    return run(trainSize, validation, resume, steps, () -> {});
  }

  /**
   * As {@link #run(int, Split, Checkpoint, StepExecutor)}, calling {@code accepted} once {@code
   * resume} (if any) has been restored, before the first epoch.
   */
  public Outcome run(
      int trainSize, Split validation, Checkpoint resume, StepExecutor steps, Runnable accepted) {
    return run(
        trainSize,
        stepsPerEpoch(trainSize, config.training().batchSize()),
        validation,
        resume,
        steps,
        accepted);
  }

  /**
   * Trains from scratch, or continues from {@code resume} when not null, with {@code stepsPerEpoch}
   * steps per epoch (a sampler's epoch, {@link TaskSampler#stepsPerEpoch()}), calling {@code
   * accepted} once {@code resume} (if any) has been restored, before the first epoch.
   */
  public Outcome run(
      int trainSize,
      int stepsPerEpoch,
      Split validation,
      Checkpoint resume,
      StepExecutor steps,
      Runnable accepted) {
    List<Task> tasks = net.tasks();
    int batchSize = config.training().batchSize();
    int epochs = config.training().epochs();
    List<EpochRecord> history = new ArrayList<>();
    int startEpoch = 0;
    long step = 0;
    EarlyStopping stopping = EarlyStopping.forRun(config.training().earlyStopping(), resume);
    if (resume != null) {
      state.restore(resume);
      history.addAll(resume.history());
      startEpoch = resume.epoch();
      step = resume.step();
      message("resumed after epoch " + startEpoch + " (step " + step + ")");
    }
    accepted.run();
    for (TrainingListener l : listeners) {
      l.started(
          epochs,
          stepsPerEpoch,
          tasks.size()
              + " tasks, "
              + trainSize
              + " training examples, "
              + validation.size()
              + " validation");
    }
    Evaluator evaluator = new Evaluator(backend, Math.max(batchSize, 256));
    double[] taskWeights = new double[tasks.size()];
    double lr = config.optimizer().lr();
    List<String> names = tasks.stream().map(Task::name).toList();
    for (int epoch = startEpoch; epoch < epochs; epoch++) {
      long t0 = System.nanoTime();
      EpochTotals totals = new EpochTotals(tasks.size(), taskWeights, lr);
      int s = 0;
      while (s < stepsPerEpoch) {
        if (cancelled.get()) {
          message(
              "cancelled during epoch "
                  + (epoch + 1)
                  + "; the last checkpoint is from epoch "
                  + epoch);
          return new Outcome(history, StopReason.CANCELLED);
        }
        int k = steps.advance(epoch, s, step, totals);
        if (k < 1 || k > stepsPerEpoch - s) {
          throw new IllegalStateException(
              "a step executor took " + k + " steps with " + (stepsPerEpoch - s) + " left");
        }
        s += k;
        step += k;
      }
      taskWeights = totals.weights;
      lr = totals.learningRate;
      double[] mean = totals.mean();
      weighting.endEpoch(epoch, mean);
      Map<String, TaskScores> val =
          validation.size() > 0 ? evaluator.evaluate(net, validation) : Map.of();
      EpochRecord rec = EpochRecord.of(epoch + 1, names, mean, val, taskWeights, lr, t0);
      history.add(rec);
      boolean stop = stopping.update(val);
      if (checkpointDir != null) {
        Checkpoint snapshot =
            state.snapshot(epoch + 1, step, history, stopping.best(), stopping.badEpochs());
        requireFiniteWeights(snapshot, epoch);
        store.save(checkpointDir, snapshot);
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
        return new Outcome(history, StopReason.EARLY_STOPPED);
      }
    }
    return new Outcome(history, StopReason.COMPLETED);
  }

  /**
   * A checkpoint never holds non-finite weights: when a step left a NaN or infinity in a parameter
   * although its loss was finite, training stops here and the previous checkpoint stays the last
   * good one.
   */
  private void requireFiniteWeights(Checkpoint c, int epoch) {
    for (Map.Entry<String, org.mtl4j.trainer.checkpoint.SafeTensors.Entry> e :
        c.weights().entrySet()) {
      for (float v : e.getValue().data()) {
        if (!Float.isFinite(v)) {
          throw new TrainingDivergedException(
              "parameter "
                  + e.getKey()
                  + " became "
                  + v
                  + " during epoch "
                  + (epoch + 1)
                  + "; training stopped and "
                  + (epoch == 0
                      ? "no checkpoint was written"
                      : "the last good checkpoint (epoch "
                          + epoch
                          + ") was kept in "
                          + checkpointDir)
                  + ". Try a lower optimizer.lr or optimizer.clip_norm.");
        }
      }
    }
  }

  private void message(String text) {
    for (TrainingListener l : listeners) {
      l.message(text);
    }
  }
}
