package org.mtl4j.trainer.training;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointException;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.data.InputLayout;
import org.mtl4j.trainer.data.TaskFactory;

/**
 * A network rebuilt from a checkpoint for evaluation or prediction: the checkpoint's config and
 * tasks, the weights verified and loaded. Closing it closes the network and the backend.
 */
public final class TrainedModel implements AutoCloseable {
  private final Checkpoint checkpoint;
  private final ComputeBackend backend;
  private final MultiTaskNetwork network;

  private TrainedModel(Checkpoint checkpoint, ComputeBackend backend, MultiTaskNetwork network) {
    this.checkpoint = checkpoint;
    this.backend = backend;
    this.network = network;
  }

  /**
   * Loads the checkpoint in {@code dir} (a checkpoint folder or a run folder) for {@code config},
   * the config it was trained with.
   */
  public static TrainedModel load(
      Path dir, Mtl4jConfig config, BackendFactory backends, NetworkFactory networks) {
    Checkpoint c = new CheckpointStore().load(Trainer.checkpointDir(dir));
    Object in = c.preprocessing().get("input_size");
    if (!(in instanceof Number inputSize)) {
      throw new CheckpointException(dir + ": checkpoint metadata lacks preprocessing.input_size");
    }
    List<Task> tasks = new ArrayList<>();
    for (Checkpoint.TaskInfo info : c.tasks()) {
      TaskConfig tc =
          config.tasks().stream()
              .filter(t -> t.name().equals(info.name()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new CheckpointException(
                          dir
                              + ": task "
                              + info.name()
                              + " of the checkpoint is not in its config"));
      if (!tc.type().configName().equals(info.type())) {
        throw new CheckpointException(
            dir
                + ": task "
                + info.name()
                + " was trained as "
                + info.type()
                + ", the config makes it "
                + tc.type().configName()
                + "; a checkpoint is used with the task types it was trained for");
      }
      tasks.add(TaskFactory.build(tc, info.outputSize()));
    }
    ComputeBackend backend = backends.open(config.backend()).backend();
    try {
      MultiTaskNetwork net =
          networks.network(
              config, InputLayout.of(inputSize.intValue(), c.preprocessing()), tasks, backend);
      try (TaskWeighting w = networks.weighting(config, tasks, backend)) {
        List<org.mtl4j.api.autograd.Parameter> params = new ArrayList<>(net.parameters());
        params.addAll(w.parameters());
        TrainingLoop.restoreWeights(backend, params, c.weights());
        TrainingState.restoreBuffers(backend, net.buffers(), c.weights());
      } catch (RuntimeException e) {
        net.close();
        throw e;
      }
      return new TrainedModel(c, backend, net);
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }

  public Checkpoint checkpoint() {
    return checkpoint;
  }

  public ComputeBackend backend() {
    return backend;
  }

  public MultiTaskNetwork network() {
    return network;
  }

  @Override
  public void close() {
    network.close();
    backend.close();
  }
}
