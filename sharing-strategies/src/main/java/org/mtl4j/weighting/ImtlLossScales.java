package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * IMTL-L, the loss balance of Liu et al., "Towards Impartial Multi-task Learning", ICLR 2021, §3.2:
 * each task's loss is replaced by {@code e^{s_t} L_t − s_t} with a learned scale s_t (initially 0),
 * trained by the same optimiser as the network. At the stationary point of s_t, {@code e^{s_t} L_t
 * = 1}: every task's scaled loss is 1, whatever the scale of its raw loss.
 */
final class ImtlLossScales implements AutoCloseable {
  private final List<Parameter> scales;
  private final ComputeBackend backend;

  ImtlLossScales(List<Task> tasks, ComputeBackend backend) {
    this.backend = backend;
    List<Parameter> ps = new ArrayList<>();
    try {
      for (Task t : tasks) {
        ps.add(
            new Parameter(
                "imtl.loss_scale." + t.name(),
                backend,
                Shape.scalar(),
                new float[] {0f},
                1f,
                false));
      }
    } catch (RuntimeException e) {
      ps.forEach(Parameter::close);
      throw e;
    }
    this.scales = List.copyOf(ps);
  }

  List<Parameter> parameters() {
    return scales;
  }

  /** Records {@code e^{s_t} L_t − s_t} for every task on the step's graph. */
  List<Var> scaledLosses(WeightingStep step) {
    Graph g = step.graph();
    List<Var> out = new ArrayList<>(scales.size());
    for (int t = 0; t < scales.size(); t++) {
      Var s = g.param(scales.get(t));
      out.add(g.sub(g.mul(g.exp(s), step.losses().get(t)), s));
    }
    return out;
  }

  /** {@code e^{s_t}}, the factor each raw loss is scaled by. */
  double[] factors() {
    double[] f = new double[scales.size()];
    for (int t = 0; t < f.length; t++) {
      f[t] = Math.exp(backend.scalar(scales.get(t).value()));
    }
    return f;
  }

  @Override
  public void close() {
    scales.forEach(Parameter::close);
  }
}
