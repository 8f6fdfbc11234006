package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * Test fixture with hand-chosen task gradients: one shared parameter θ ({@code [1, d]}) and losses
 * {@code L_t = θ · g_t}, so that {@code ∇_θ L_t = g_t} exactly. θ is also the "last shared weight".
 */
final class LinearLosses implements AutoCloseable {
  final ComputeBackend backend;
  final Parameter theta;
  final double[][] gradients;
  private final List<Task> tasks;

  LinearLosses(ComputeBackend backend, List<Task> tasks, double[] theta, double[]... gradients) {
    this.backend = backend;
    this.tasks = tasks;
    this.gradients = gradients;
    float[] init = new float[theta.length];
    for (int i = 0; i < theta.length; i++) {
      init[i] = (float) theta[i];
    }
    this.theta = new Parameter("theta", backend, Shape.row(theta.length), init, 1f, true);
  }

  /** Records the losses of one step in {@code scope} and builds the step. */
  WeightingStep step(int epoch, long step) {
    Graph g = new Graph(backend, step);
    Var th = g.param(theta);
    List<Var> losses = new ArrayList<>();
    for (double[] gt : gradients) {
      float[] col = new float[gt.length];
      for (int i = 0; i < gt.length; i++) {
        col[i] = (float) gt[i];
      }
      losses.add(g.matmul(th, g.constant(backend.fromHost(Shape.column(gt.length), col))));
    }
    return new WeightingStep(
        g, tasks, losses, null, List.of(theta), List.of(), null, theta, epoch, step);
  }

  TensorScope scope() {
    return backend.openScope();
  }

  double[] thetaGrad() {
    return Host.grad(backend, theta);
  }

  void zeroGrad() {
    backend.fill(theta.grad(), 0f);
  }

  @Override
  public void close() {
    theta.close();
  }
}
