package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * Test fixture: one recorded forward pass of a {@link TinyNetwork} on a batch, as the trainer would
 * hand it to a weighting method. Owns the step's scope; close it when done.
 */
final class TrainingStep implements AutoCloseable {
  final TensorScope scope;
  final Graph graph;
  final WeightingStep step;

  TrainingStep(
      ComputeBackend backend,
      TinyNetwork net,
      Batch batch,
      int epoch,
      long stepIndex,
      boolean withRepresentation) {
    this.scope = backend.openScope();
    this.graph = new Graph(backend, stepIndex);
    NetworkOutput out = net.forward(graph, graph.constant(batch.features()), Mode.TRAIN);
    List<Var> losses = new ArrayList<>();
    for (Task t : net.tasks()) {
      losses.add(
          t.loss()
              .apply(graph, out.output(t.name()), batch.target(t.name()), batch.mask(t.name())));
    }
    this.step =
        new WeightingStep(
            graph,
            net.tasks(),
            losses,
            net.penalty(graph).orElse(null),
            net.sharedParameters(),
            net.allTaskParameters(),
            withRepresentation ? out.representation() : null,
            net.lastSharedWeight().orElse(null),
            epoch,
            stepIndex);
  }

  /** {@code ∂ L_t / ∂ p} as host arrays, computed independently of any weighting method. */
  double[] taskGradient(int task, Parameter p) {
    Var v = graph.param(p);
    return Host.values(graph.backend(), graph.grad(step.losses().get(task), List.of(v)).get(v));
  }

  /** {@code ∂ Ω / ∂ p}, or zeros without a penalty. */
  double[] penaltyGradient(Parameter p) {
    if (step.penalty() == null) {
      return new double[p.size()];
    }
    Var v = graph.param(p);
    return Host.values(graph.backend(), graph.grad(step.penalty(), List.of(v)).get(v));
  }

  @Override
  public void close() {
    scope.close();
  }
}
