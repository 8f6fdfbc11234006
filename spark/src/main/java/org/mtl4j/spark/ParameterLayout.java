package org.mtl4j.spark;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Task;

/**
 * How the parameters of a multi-task network are laid out in the flat float vectors that travel
 * between the Spark driver and its executors: all parameters in network order, and per task the
 * parameters its loss depends on (the shared ones followed by the task's own), which is the extent
 * of that task's gradient vector. Driver and executors build the same network from the same config
 * and seed, so they derive the same layout.
 */
final class ParameterLayout {
  private final List<Parameter> all;
  private final List<List<Parameter>> perTask;

  ParameterLayout(List<Parameter> all, List<List<Parameter>> perTask) {
    this.all = List.copyOf(all);
    this.perTask = perTask.stream().map(List::copyOf).toList();
  }

  /** The layout of {@code net} followed by {@code extra} (learned weighting parameters). */
  static ParameterLayout of(MultiTaskNetwork net, List<Parameter> extra) {
    List<Parameter> all = new ArrayList<>(net.parameters());
    all.addAll(extra);
    List<List<Parameter>> per = new ArrayList<>();
    for (Task t : net.tasks()) {
      Set<Parameter> own = new LinkedHashSet<>(net.sharedParameters());
      own.addAll(net.taskParameters(t.name()));
      per.add(List.copyOf(own));
    }
    return new ParameterLayout(all, per);
  }

  List<Parameter> all() {
    return all;
  }

  /** The parameters task {@code t}'s loss depends on, in gradient-vector order. */
  List<Parameter> taskParameters(int t) {
    return perTask.get(t);
  }

  int taskCount() {
    return perTask.size();
  }

  static int size(List<Parameter> params) {
    int n = 0;
    for (Parameter p : params) {
      n += p.size();
    }
    return n;
  }

  /** Total values of all parameters. */
  int size() {
    return size(all);
  }

  /** The values of {@code params} concatenated. */
  static float[] flatten(ComputeBackend backend, List<Parameter> params) {
    float[] out = new float[size(params)];
    int off = 0;
    for (Parameter p : params) {
      float[] v = backend.toHost(p.value());
      System.arraycopy(v, 0, out, off, v.length);
      off += v.length;
    }
    return out;
  }

  /** Uploads {@code flat} (as written by {@link #flatten}) into the parameters' values. */
  static void upload(ComputeBackend backend, List<Parameter> params, float[] flat) {
    if (flat.length != size(params)) {
      throw new IllegalArgumentException(
          flat.length
              + " parameter values for a model of "
              + size(params)
              + "; driver and executor built different networks");
    }
    int off = 0;
    for (Parameter p : params) {
      float[] v = new float[p.size()];
      System.arraycopy(flat, off, v, 0, v.length);
      backend.upload(v, p.value());
      off += v.length;
    }
  }
}
