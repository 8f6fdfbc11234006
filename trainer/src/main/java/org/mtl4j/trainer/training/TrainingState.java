package org.mtl4j.trainer.training;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.optim.Optimizer;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointException;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import org.mtl4j.trainer.metrics.EpochRecord;

/**
 * Everything a run carries between steps, as one checkpoint and back: parameter values, optimiser
 * state (its step counter set to the global step), the weighting method's state, the epoch and step
 * counters, the history, early stopping's record and the batch sampler's position. The one
 * snapshot/restore of the local loop and the Spark driver, so either can resume the other. The
 * network's buffers (batch-norm running statistics) are saved with the weights, under their own
 * names, and restored with them.
 */
public final class TrainingState {
  private final ComputeBackend backend;
  private final List<Task> tasks;
  private final List<Parameter> params;
  private final List<Buffer> buffers;
  private final Optimizer optimizer;
  private final TaskWeighting weighting;
  private final String configYaml;
  private final long seed;
  private final Map<String, Object> preprocessing;
  private TaskSampler sampler;

  /**
   * @param params the parameters a step updates ({@link TrainingStep#parameters})
   * @param configYaml the resolved config the checkpoint records
   * @param preprocessing how features were prepared, for predict
   */
  public TrainingState(
      ComputeBackend backend,
      List<Task> tasks,
      List<Parameter> params,
      Optimizer optimizer,
      TaskWeighting weighting,
      String configYaml,
      long seed,
      Map<String, Object> preprocessing) {
    this(backend, tasks, params, List.of(), optimizer, weighting, configYaml, seed, preprocessing);
  }

  /**
   * @param params the parameters a step updates ({@link TrainingStep#parameters})
   * @param buffers the network's buffers ({@link org.mtl4j.api.sharing.MultiTaskNetwork#buffers})
   * @param configYaml the resolved config the checkpoint records
   * @param preprocessing how features were prepared, for predict
   */
  public TrainingState(
      ComputeBackend backend,
      List<Task> tasks,
      List<Parameter> params,
      List<Buffer> buffers,
      Optimizer optimizer,
      TaskWeighting weighting,
      String configYaml,
      long seed,
      Map<String, Object> preprocessing) {
    this.backend = backend;
    this.tasks = List.copyOf(tasks);
    this.params = List.copyOf(params);
    this.buffers = List.copyOf(buffers);
    this.optimizer = optimizer;
    this.weighting = weighting;
    this.configYaml = configYaml;
    this.seed = seed;
    this.preprocessing = preprocessing;
  }

  /** Also snapshots and restores {@code s}'s position (the local run's batch sampler). */
  public void track(TaskSampler s) {
    this.sampler = s;
  }

  /** The optimiser's state with its step counter set to {@code step}. */
  public Map<String, float[]> optimizerState(long step) {
    Map<String, float[]> s = new LinkedHashMap<>(optimizer.state());
    s.put(Optimizer.STEPS, Optimizer.encodeSteps(step));
    return s;
  }

  /** The current state after {@code epoch} epochs and {@code step} steps, as a checkpoint. */
  public Checkpoint snapshot(
      int epoch, long step, List<EpochRecord> history, double best, int bad) {
    Map<String, SafeTensors.Entry> weights = new LinkedHashMap<>();
    for (Parameter p : params) {
      weights.put(p.name(), new SafeTensors.Entry(p.shape().dims(), backend.toHost(p.value())));
    }
    for (Buffer b : buffers) {
      if (weights.containsKey(b.name())) {
        throw new CheckpointException("buffer " + b.name() + " has the name of a parameter");
      }
      weights.put(
          b.name(), new SafeTensors.Entry(b.value().shape().dims(), backend.toHost(b.value())));
    }
    List<Checkpoint.TaskInfo> infos =
        tasks.stream()
            .map(t -> new Checkpoint.TaskInfo(t.name(), t.type().configName(), t.outputSize()))
            .toList();
    return new Checkpoint(
        configYaml,
        seed,
        epoch,
        step,
        weights,
        optimizerState(step),
        weighting.state(),
        history,
        infos,
        preprocessing,
        best,
        bad,
        sampler == null ? Map.of() : sampler.state());
  }

  /** Puts weights, optimiser and weighting state of {@code c} back; its seed must be the run's. */
  public void restore(Checkpoint c) {
    if (c.seed() != seed) {
      throw new CheckpointException(
          "checkpoint seed " + c.seed() + " differs from config seed " + seed);
    }
    restoreWeights(backend, params, c.weights());
    restoreBuffers(backend, buffers, c.weights());
    optimizer.restore(c.optimizerState(), params);
    weighting.restore(c.weightingState());
    if (sampler != null) {
      sampler.restore(c.sampler());
    }
  }

  /**
   * Copies the checkpoint's buffers (batch-norm running statistics) into the network's, checking
   * names and shapes.
   */
  public static void restoreBuffers(
      ComputeBackend backend, List<Buffer> buffers, Map<String, SafeTensors.Entry> weights) {
    for (Buffer b : buffers) {
      SafeTensors.Entry e = weights.get(b.name());
      if (e == null) {
        throw new CheckpointException(
            "checkpoint has no values for buffer "
                + b.name()
                + " (batch-norm running statistics); it was written for another model");
      }
      if (!Arrays.equals(e.shape(), b.value().shape().dims())) {
        throw new CheckpointException(
            "checkpoint buffer "
                + b.name()
                + " has shape "
                + Arrays.toString(e.shape())
                + ", the model expects "
                + b.value().shape());
      }
      backend.upload(e.data(), b.value());
    }
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
      if (!Arrays.equals(e.shape(), p.shape().dims())) {
        throw new CheckpointException(
            "checkpoint weights "
                + p.name()
                + " have shape "
                + Arrays.toString(e.shape())
                + ", the model expects "
                + p.shape());
      }
      backend.upload(e.data(), p.value());
    }
  }
}
