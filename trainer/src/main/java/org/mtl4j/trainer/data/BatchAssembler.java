package org.mtl4j.trainer.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * Gathers rows of a {@link Split} and uploads them as a {@link Batch}: the features by the
 * backend's {@link ComputeBackend#uploadRows} (straight into its memory), targets and masks through
 * host buffers allocated once per batch size (a full batch and at most one remainder) and reused;
 * the batch's tensors are allocated in the caller's open scope.
 */
public final class BatchAssembler {
  private final List<Task> tasks;
  private final Map<Integer, Buffers> buffers = new HashMap<>();

  private static final class Buffers {
    final int[] rows;
    final Map<String, float[]> targets = new HashMap<>();
    final Map<String, float[]> masks = new HashMap<>();

    Buffers(int n) {
      rows = new int[n];
    }
  }

  public BatchAssembler(List<Task> tasks) {
    this.tasks = List.copyOf(tasks);
  }

  /** Uploads rows {@code order[from .. from+count)} of {@code split}. */
  public Batch assemble(ComputeBackend backend, Split split, int[] order, int from, int count) {
    return assemble(backend, split, order, from, count, null);
  }

  /**
   * Uploads rows {@code order[from .. from+count)} of {@code split} with the labels of task {@code
   * only} alone (every other task's mask all 0), or of every task when {@code only} is null.
   */
  public Batch assemble(
      ComputeBackend backend, Split split, int[] order, int from, int count, String only) {
    Examples ex = split.examples();
    int d = ex.inputSize();
    Buffers b = buffers.computeIfAbsent(count, Buffers::new);
    int[] rows = split.rows();
    for (int i = 0; i < count; i++) {
      b.rows[i] = rows[order[from + i]];
    }
    Tensor features = backend.allocate(Shape.matrix(count, d));
    backend.uploadRows(ex.features(), b.rows, features);
    Map<String, Tensor> targets = new HashMap<>();
    Map<String, Tensor> masks = new HashMap<>();
    for (Task t : tasks) {
      int k = t.targetColumns();
      float[] src = ex.targets(t.name());
      float[] tb = b.targets.computeIfAbsent(t.name(), n -> new float[count * k]);
      for (int i = 0; i < count; i++) {
        System.arraycopy(src, b.rows[i] * k, tb, i * k, k);
      }
      Tensor tt = backend.allocate(Shape.matrix(count, k));
      backend.upload(tb, tt);
      targets.put(t.name(), tt);
      float[] mask = ex.mask(t.name());
      boolean excluded = only != null && !only.equals(t.name());
      if (mask != null || excluded) {
        float[] mb = b.masks.computeIfAbsent(t.name(), n -> new float[count]);
        for (int i = 0; i < count; i++) {
          mb[i] = excluded ? 0f : mask[b.rows[i]];
        }
        Tensor mt = backend.allocate(Shape.column(count));
        backend.upload(mb, mt);
        masks.put(t.name(), mt);
      }
    }
    return new Batch(features, targets, masks);
  }

  /** The host copy of the last assembled batch's mask of a task, or null (for metrics). */
  public float[] hostMask(int count, String task) {
    Buffers b = buffers.get(count);
    return b == null ? null : b.masks.get(task);
  }

  /** The host copy of the last assembled batch's targets of a task (for metrics). */
  public float[] hostTargets(int count, String task) {
    return buffers.get(count).targets.get(task);
  }
}
