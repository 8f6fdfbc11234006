package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * Persistent per-task device buffers shaped like a method's gradient parts (DB-MTL's gradient
 * momenta, ExcessMTL's sums of squared gradients): allocated at zero on first use, kept across
 * steps, saved to and restored from the method's host state, freed by {@link #close()}.
 */
final class TaskBuffers implements AutoCloseable {
  private final ComputeBackend backend;
  private final String key;
  private final String method;
  private List<List<Tensor>> buffers;
  private Map<String, double[]> pending;

  /**
   * @param key prefix of the state entries, {@code <key>.<task>.<part>}
   */
  TaskBuffers(ComputeBackend backend, String key, String method) {
    this.backend = backend;
    this.key = key;
    this.method = method;
  }

  /** Task t's buffers, one per part with the given shapes; created (or restored) on first use. */
  List<Tensor> of(int task, List<Shape> shapes, int taskCount) {
    if (buffers == null) {
      buffers = new ArrayList<>(taskCount);
      try {
        for (int t = 0; t < taskCount; t++) {
          List<Tensor> parts = new ArrayList<>(shapes.size());
          buffers.add(parts);
          for (int k = 0; k < shapes.size(); k++) {
            Tensor b = backend.persistentZeros(shapes.get(k));
            parts.add(b);
            double[] saved = pending == null ? null : pending.get(name(t, k));
            if (saved != null) {
              if (saved.length != b.shape().size()) {
                throw new IllegalArgumentException(
                    method
                        + ": state entry '"
                        + name(t, k)
                        + "' has "
                        + saved.length
                        + " values, expected "
                        + b.shape().size());
              }
              float[] f = new float[saved.length];
              for (int i = 0; i < f.length; i++) {
                f[i] = (float) saved[i];
              }
              backend.upload(f, b);
            }
          }
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
      pending = null;
    }
    return buffers.get(task);
  }

  private String name(int t, int k) {
    return key + "." + t + "." + k;
  }

  /** The buffers' values under {@code <key>.<task>.<part>}, added to {@code state}. */
  void saveTo(Map<String, double[]> state) {
    if (buffers == null) {
      if (pending != null) {
        pending.forEach((k, v) -> state.put(k, v.clone()));
      }
      return;
    }
    for (int t = 0; t < buffers.size(); t++) {
      for (int k = 0; k < buffers.get(t).size(); k++) {
        float[] f = backend.toHost(buffers.get(t).get(k));
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
          d[i] = f[i];
        }
        state.put(name(t, k), d);
      }
    }
  }

  /** Takes this key's entries of {@code state}; they fill the buffers on their next use. */
  void restoreFrom(Map<String, double[]> state) {
    close();
    Map<String, double[]> mine = new LinkedHashMap<>();
    state.forEach(
        (k, v) -> {
          if (k.startsWith(key + ".")) {
            mine.put(k, v.clone());
          }
        });
    pending = mine.isEmpty() ? null : mine;
  }

  @Override
  public void close() {
    if (buffers != null) {
      buffers.forEach(parts -> parts.forEach(Tensor::close));
      buffers = null;
    }
  }
}
