package org.mtl4j.api.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * Seeded random {@link Batch}es for any task list: features uniform in [-1, 1), class indices, 0/1
 * labels or real targets by task type. Tensors are allocated like {@link ComputeBackend#allocate}
 * (in the caller's scope, if any).
 */
public final class TaskBatches {
  private TaskBatches() {}

  /**
   * @param withMasks when true every task gets a label mask with labelled and unlabelled rows
   *     (different per task), and unlabelled rows hold garbage labels (-1 or NaN)
   */
  public static Batch random(
      ComputeBackend b, List<Task> tasks, int n, int inputSize, long seed, boolean withMasks) {
    SplittableRandom rng = new SplittableRandom(seed);
    Tensor x = b.fromHost(Shape.matrix(n, inputSize), TestData.uniform(rng, n * inputSize, -1, 1));
    Map<String, Tensor> targets = new HashMap<>();
    Map<String, Tensor> masks = new HashMap<>();
    for (Task t : tasks) {
      int cols = t.targetColumns();
      float[] y =
          switch (t.type()) {
            case MULTICLASS -> TestData.indices(rng, n, t.outputSize());
            case BINARY, MULTILABEL -> TestData.zeroOne(rng, n * cols, 0.5);
            case REGRESSION -> TestData.uniform(rng, n * cols, -1, 1);
          };
      if (withMasks) {
        float[] m = TestData.mixedMask(rng, n);
        for (int i = 0; i < n; i++) {
          if (m[i] == 0f) {
            for (int j = 0; j < cols; j++) {
              y[i * cols + j] =
                  cols == 1 && t.type() == org.mtl4j.api.task.TaskType.MULTICLASS ? -1f : Float.NaN;
            }
          }
        }
        masks.put(t.name(), b.fromHost(Shape.column(n), m));
      }
      targets.put(t.name(), b.fromHost(Shape.matrix(n, cols), y));
    }
    return new Batch(x, targets, masks);
  }
}
