package org.mtl4j.trainer.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Metric;
import org.mtl4j.api.task.Metrics;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.trainer.data.BatchAssembler;
import org.mtl4j.trainer.data.Split;
import org.mtl4j.trainer.data.TargetScaling;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * Scores a network on a split: each task's mean loss over labelled examples (in training units, on
 * standardised regression targets) and its metrics (in original units, see {@link TargetScaling}).
 * A task whose network output holds a NaN or an infinity on the split gets NaN for every metric: a
 * metric such as accuracy would otherwise count NaN scores as negatives and report a plausible
 * number for a broken model.
 */
public final class Evaluator {
  private final ComputeBackend backend;
  private final int batchSize;

  public Evaluator(ComputeBackend backend, int batchSize) {
    this.backend = backend;
    this.batchSize = batchSize;
  }

  public Map<String, TaskScores> evaluate(MultiTaskNetwork net, Split split) {
    List<Task> tasks = net.tasks();
    BatchAssembler assembler = new BatchAssembler(tasks);
    List<List<Metric.Accumulator>> acc = new ArrayList<>();
    for (Task t : tasks) {
      List<Metric.Accumulator> a = new ArrayList<>();
      for (String m : t.metrics()) {
        a.add(Metrics.byName(m).start(t));
      }
      acc.add(a);
    }
    double[] lossSum = new double[tasks.size()];
    double[] labelled = new double[tasks.size()];
    boolean[] nonFinite = new boolean[tasks.size()];
    int[] order = new int[split.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int from = 0; from < split.size(); from += batchSize) {
      int n = Math.min(batchSize, split.size() - from);
      try (TensorScope scope = backend.openScope()) {
        Batch batch = assembler.assemble(backend, split, order, from, n);
        Graph g = new Graph(backend, 0L);
        NetworkOutput out = net.forward(g, g.constant(batch.features()), Mode.EVAL);
        for (int t = 0; t < tasks.size(); t++) {
          Task task = tasks.get(t);
          Var o = out.output(task.name());
          float[] mask = assembler.hostMask(n, task.name());
          double count = n;
          if (mask != null) {
            count = 0;
            for (int i = 0; i < n; i++) {
              count += mask[i];
            }
          }
          if (count > 0) {
            Var loss = task.loss().apply(g, o, batch.target(task.name()), batch.mask(task.name()));
            lossSum[t] += backend.scalar(loss.value()) * count;
            labelled[t] += count;
          }
          // metrics in original units: undo the target scaling on outputs and targets
          TargetScaling scaling = split.examples().scaling();
          float[] host = scaling.unscale(task.name(), backend.toHost(o.value()), n);
          float[] targets = scaling.unscale(task.name(), assembler.hostTargets(n, task.name()), n);
          nonFinite[t] |= !allFinite(host);
          for (Metric.Accumulator a : acc.get(t)) {
            a.add(host, targets, mask, n);
          }
        }
      }
    }
    Map<String, TaskScores> result = new LinkedHashMap<>();
    for (int t = 0; t < tasks.size(); t++) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (int k = 0; k < tasks.get(t).metrics().size(); k++) {
        // a metric over NaN or infinite predictions is NaN, never a score that looks real
        m.put(tasks.get(t).metrics().get(k), nonFinite[t] ? Double.NaN : acc.get(t).get(k).value());
      }
      result.put(
          tasks.get(t).name(),
          new TaskScores(labelled[t] > 0 ? lossSum[t] / labelled[t] : Double.NaN, m));
    }
    return result;
  }

  private static boolean allFinite(float[] values) {
    for (float v : values) {
      if (!Float.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
