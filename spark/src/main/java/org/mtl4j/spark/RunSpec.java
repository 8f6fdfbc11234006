package org.mtl4j.spark;

import java.io.Serializable;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.InputLayout;

/**
 * What every executor needs to rebuild the run's model next to its data partition, broadcast once
 * per run: the resolved, typed config (parsed once, on the driver), each task's output size and
 * whether it has a label mask, and the size of the shuffle index space.
 *
 * @param runId unique per run; keys the executors' {@link ShardCache} entries
 * @param config the resolved config
 * @param outputSizes per task its output size, as the data source resolved it
 * @param masked per task whether its labels come with a mask
 * @param layout the input's columns (features per example, index columns to embed)
 * @param trainSize examples in the training split
 * @param mode how executors cooperate
 * @param failure an injected failure, or null
 */
record RunSpec(
    String runId,
    Mtl4jConfig config,
    int[] outputSizes,
    boolean[] masked,
    InputLayout layout,
    int trainSize,
    TrainingMode mode,
    FailureInjection failure)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Features per example. */
  int inputSize() {
    return layout.width();
  }
}
