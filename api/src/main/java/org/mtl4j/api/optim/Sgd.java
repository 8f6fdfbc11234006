package org.mtl4j.api.optim;

import java.util.List;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Tensor;

/** Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay. */
public final class Sgd extends StatefulOptimizer {
  private final float momentum;
  private final float weightDecay;
  private final boolean nesterov;

  public Sgd(
      ComputeBackend backend, double lr, double momentum, double weightDecay, boolean nesterov) {
    super(backend, lr, "velocity");
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
    if (nesterov && momentum == 0) {
      throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
    }
    this.momentum = (float) momentum;
    this.weightDecay = (float) weightDecay;
    this.nesterov = nesterov;
  }

  @Override
  public void step(List<Parameter> parameters) {
    steps++;
    for (Parameter p : parameters) {
      Tensor velocity = momentum != 0f ? slots(p)[0] : null;
      backend.sgdStep(
          p.value(),
          p.grad(),
          velocity,
          (float) (lr * p.lrScale()),
          momentum,
          p.decay() ? weightDecay : 0f,
          nesterov);
    }
  }
}
