package org.mtl4j.trainer.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * Measures, on sampled training steps, how tasks interact through the shared parameters:
 *
 * <ul>
 *   <li>lookahead inter-task affinity (Fifty et al., "Efficiently Identifying Task Groupings in
 *       Multi-Task Learning", NeurIPS 2021): {@code Z(i→j) = 1 − L_j(θ_s − η∇_{θ_s} L_i) /
 *       L_j(θ_s)}, the relative change of task j's loss after a gradient step on task i alone;
 *   <li>the cosine similarity of per-task gradients of the shared parameters and whether they
 *       conflict (cosine &lt; 0), as in Yu et al., "Gradient Surgery for Multi-Task Learning",
 *       2020;
 *   <li>per-task gradient norms relative to their mean: the imbalance GradNorm (Chen et al. 2018)
 *       corrects.
 * </ul>
 *
 * <p>Losses are taken in {@link Mode#EVAL} on the step's batch, before and after the lookahead, so
 * dropout noise does not enter the ratio. The lookahead changes the shared parameter values in
 * place and copies the saved values back bit for bit; gradients, optimiser state and random streams
 * are not touched, so training with measurement on ends with the same weights as without. When a
 * network shares no parameter (soft sharing), the lookahead runs over all parameters.
 */
public final class AffinityMeter {
  private final List<Task> tasks;
  private final double lookaheadLr;
  private final int sampleEvery;
  private final AffinityStatistics statistics;

  /**
   * @param lookaheadLr the step size η of the lookahead (the paper uses the training learning rate)
   * @param sampleEvery measure on one step in this many
   */
  public AffinityMeter(List<Task> tasks, double lookaheadLr, int sampleEvery) {
    if (!(lookaheadLr > 0) || Double.isInfinite(lookaheadLr)) {
      throw new IllegalArgumentException(
          "analysis lookahead learning rate must be a positive number, got " + lookaheadLr);
    }
    if (sampleEvery < 1) {
      throw new IllegalArgumentException("analysis sample_every must be >= 1, got " + sampleEvery);
    }
    this.tasks = List.copyOf(tasks);
    this.lookaheadLr = lookaheadLr;
    this.sampleEvery = sampleEvery;
    this.statistics = new AffinityStatistics(tasks.stream().map(Task::name).toList());
  }

  /** Whether the global step {@code step} is one to measure. */
  public boolean shouldSample(long step) {
    return step % sampleEvery == 0;
  }

  public AffinityStatistics statistics() {
    return statistics;
  }

  /** Measures at the current parameters on {@code batch} and adds the result to the statistics. */
  public void measure(MultiTaskNetwork net, Batch batch, ComputeBackend backend, int epoch) {
    List<Parameter> shared = net.sharedParameters();
    if (shared.isEmpty()) {
      shared = net.parameters();
    }
    int t = tasks.size();
    try (TensorScope scope = backend.openScope()) {
      Graph g = new Graph(backend, 0L);
      List<Var> losses = evalLosses(net, batch, g);
      double[] base = new double[t];
      for (int i = 0; i < t; i++) {
        base[i] = backend.scalar(losses.get(i).value());
      }
      List<Var> sharedVars = new ArrayList<>();
      for (Parameter p : shared) {
        sharedVars.add(g.param(p));
      }
      List<List<Tensor>> grads = new ArrayList<>();
      for (int i = 0; i < t; i++) {
        Map<Var, Tensor> gi = g.grad(losses.get(i), sharedVars);
        List<Tensor> flat = new ArrayList<>();
        for (Var v : sharedVars) {
          flat.add(gi.get(v));
        }
        grads.add(flat);
      }
      double[][] dots = new double[t][t];
      for (int i = 0; i < t; i++) {
        for (int j = i; j < t; j++) {
          double d = 0;
          for (int p = 0; p < shared.size(); p++) {
            d += backend.dot(grads.get(i).get(p), grads.get(j).get(p));
          }
          dots[i][j] = d;
          dots[j][i] = d;
        }
      }
      double[][] affinity = lookahead(net, batch, backend, shared, grads, base);
      statistics.add(epoch, affinity, dots);
    }
  }

  private double[][] lookahead(
      MultiTaskNetwork net,
      Batch batch,
      ComputeBackend backend,
      List<Parameter> shared,
      List<List<Tensor>> grads,
      double[] base) {
    int t = tasks.size();
    List<Tensor> saved = new ArrayList<>();
    for (Parameter p : shared) {
      Tensor copy = backend.allocate(p.shape());
      backend.copy(p.value(), copy);
      saved.add(copy);
    }
    double[][] z = new double[t][t];
    try {
      for (int i = 0; i < t; i++) {
        for (int p = 0; p < shared.size(); p++) {
          backend.axpby((float) -lookaheadLr, grads.get(i).get(p), 1f, shared.get(p).value());
        }
        try (TensorScope inner = backend.openScope()) {
          List<Var> after = evalLosses(net, batch, new Graph(backend, 0L));
          for (int j = 0; j < t; j++) {
            double lj = backend.scalar(after.get(j).value());
            z[i][j] = base[j] == 0 ? 0 : 1.0 - lj / base[j];
          }
        } finally {
          for (int p = 0; p < shared.size(); p++) {
            backend.copy(saved.get(p), shared.get(p).value());
          }
        }
      }
    } finally {
      for (Tensor s : saved) {
        s.close();
      }
    }
    return z;
  }

  private List<Var> evalLosses(MultiTaskNetwork net, Batch batch, Graph g) {
    NetworkOutput out = net.forward(g, g.constant(batch.features()), Mode.EVAL);
    List<Var> losses = new ArrayList<>();
    for (Task task : tasks) {
      losses.add(
          task.loss()
              .apply(
                  g, out.output(task.name()), batch.target(task.name()), batch.mask(task.name())));
    }
    return losses;
  }
}
