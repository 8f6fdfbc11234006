package org.mtl4j.trainer.training;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.optim.Optimizer;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.trainer.analysis.AffinityMeter;
import org.mtl4j.trainer.analysis.AffinityStatistics;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.BatchAssembler;
import org.mtl4j.trainer.data.Split;
import org.mtl4j.trainer.metrics.EpochRecord;

/**
 * Local training of one model: the {@link EpochDriver} with a step executor that runs one {@link
 * TrainingStep} per batch of the run's {@link TaskSampler} ({@code training.sampling}: a seeded
 * shuffle of all rows, or one task's own rows per step), with the lookahead affinity measurements
 * when analysis is on, and a divergence check on every loss.
 *
 * <p>All randomness derives from the seed and the epoch or step counters (shuffles from {@code
 * derive(seed, 1000 + epoch)}, dropout from {@code derive(seed, 1_000_000 + step)}), so a run
 * resumed from an epoch checkpoint continues exactly as an uninterrupted one (the sampler's
 * position is in the checkpoint).
 */
public final class TrainingLoop {
  private final Mtl4jConfig config;
  private final ComputeBackend backend;
  private final MultiTaskNetwork net;
  private final Optimizer optimizer;
  private final List<TrainingListener> listeners;
  private final Path checkpointDir;
  private final TaskWeighting weighting;
  private final List<Parameter> params;
  private final TrainingState state;
  private final EpochDriver driver;
  private final AffinityMeter affinity;
  private long analysisNanos;

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
    this.backend = backend;
    this.net = net;
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
    this.checkpointDir = checkpointDir;
    this.weighting = weighting;
    this.params = TrainingStep.parameters(net, weighting);
    this.state =
        new TrainingState(
            backend,
            net.tasks(),
            params,
            net.buffers(),
            optimizer,
            weighting,
            configYaml,
            config.seed(),
            preprocessing);
    this.driver =
        new EpochDriver(
            config, backend, net, weighting, state, listeners, cancelled, checkpointDir);
  }

  public List<Parameter> parameters() {
    return params;
  }

  /**
   * Also scores {@code test} after every epoch and reports it to the listeners' {@link
   * TrainingListener#tested}; null (the default) for none. The epoch's recorded time excludes it.
   */
  public void reportTestEachEpoch(Split test) {
    driver.reportTestEachEpoch(test);
  }

  /** Trains from scratch, or continues from {@code resume} when not null. */
  public EpochDriver.Outcome run(Split train, Split validation, Checkpoint resume) {
    return run(train, validation, resume, () -> {});
  }

  /**
   * As {@link #run(Split, Split, Checkpoint)}, calling {@code accepted} once the checkpoint (if
   * any) has been restored, before the first epoch: a run writes its config only then.
   */
  public EpochDriver.Outcome run(
      Split train, Split validation, Checkpoint resume, Runnable accepted) {
    LocalSteps steps = new LocalSteps(train);
    state.track(steps.sampler);
    return driver.run(
        train.size(), steps.sampler.stepsPerEpoch(), validation, resume, steps, accepted);
  }

  /** One {@link TrainingStep} per batch the run's {@link TaskSampler} draws. */
  private final class LocalSteps implements EpochDriver.StepExecutor {
    private final Split train;
    private final TaskSampler sampler;
    private final int stepsPerEpoch;
    private final BatchAssembler assembler;
    private final TrainingStep scheduled;

    LocalSteps(Split train) {
      this.train = train;
      this.sampler = TaskSampler.forRun(config, train, net.tasks());
      this.stepsPerEpoch = sampler.stepsPerEpoch();
      this.assembler = new BatchAssembler(net.tasks());
      this.scheduled =
          new TrainingStep(
              backend,
              net,
              weighting,
              optimizer,
              LearningRateSchedule.forSteps(config, stepsPerEpoch),
              config.optimizer().clipNorm(),
              config.seed());
    }

    @Override
    public int advance(int epoch, int s, long globalStep, EpochDriver.EpochTotals totals) {
      TaskSampler.Draw d = sampler.next(epoch, s, globalStep);
      String only = d.task() < 0 ? null : net.tasks().get(d.task()).name();
      TrainingStep.Result r =
          scheduled.run(
              epoch,
              globalStep,
              g -> {
                Batch batch =
                    assembler.assemble(backend, train, d.order(), d.from(), d.count(), only);
                if (affinity != null && affinity.shouldSample(globalStep)) {
                  long a0 = System.nanoTime();
                  affinity.measure(net, batch, backend, epoch);
                  analysisNanos += System.nanoTime() - a0;
                }
                return scheduled.forward(g, batch);
              },
              values -> checkFinite(values, epoch, s));
      if (d.task() < 0) {
        totals.addLosses(r.losses());
      } else {
        totals.addLoss(d.task(), r.losses()[d.task()], 1);
      }
      totals.weights(r.weights());
      totals.learningRate(r.learningRate());
      for (TrainingListener l : listeners) {
        l.step(epoch + 1, s + 1, stepsPerEpoch, r.losses());
      }
      return 1;
    }

    private void checkFinite(double[] lv, int epoch, int s) {
      for (int t = 0; t < lv.length; t++) {
        if (!Double.isFinite(lv[t])) {
          throw new TrainingDivergedException(
              "the loss of task "
                  + net.tasks().get(t).name()
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
    }
  }

  /** The task-relationship measurements of this run, or null when analysis is off. */
  public AffinityStatistics affinityStatistics() {
    return affinity == null ? null : affinity.statistics();
  }

  /** Wall time spent on analysis measurements so far. */
  public double analysisSeconds() {
    return analysisNanos / 1e9;
  }

  /** The current state as a checkpoint. */
  public Checkpoint snapshot(
      int epoch, long step, List<EpochRecord> history, double best, int bad) {
    return state.snapshot(epoch, step, history, best, bad);
  }

  /** Copies checkpoint weights into the parameters, checking names and shapes. */
  public static void restoreWeights(
      ComputeBackend backend, List<Parameter> params, Map<String, SafeTensors.Entry> weights) {
    TrainingState.restoreWeights(backend, params, weights);
  }

  public void close() {
    optimizer.close();
  }
}
