package org.mtl4j.api.optim;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Tensor;

/**
 * Adam (Kingma and Ba, ICLR 2015) and, with {@code decoupled}, AdamW (Loshchilov and Hutter, ICLR
 * 2019), through the backend's fused whole-list update.
 */
public final class Adam extends StatefulOptimizer {
  private final float beta1;
  private final float beta2;
  private final float eps;
  private final float weightDecay;
  private final boolean decoupled;

  public Adam(
      ComputeBackend backend,
      double lr,
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      boolean decoupled) {
    super(backend, lr, "m", "v");
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
    if (!(eps > 0)) {
      throw new IllegalArgumentException("eps must be positive, got " + eps);
    }
    if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
      throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.eps = (float) eps;
    this.weightDecay = (float) weightDecay;
    this.decoupled = decoupled;
  }

  /** Adam with PyTorch's defaults (betas 0.9, 0.999, eps 1e-8, no weight decay). */
  public static Adam defaults(ComputeBackend backend, double lr) {
    return new Adam(backend, lr, 0.9, 0.999, 1e-8, 0, false);
  }

  @Override
  public void step(List<Parameter> parameters) {
    steps++;
    List<Tensor> values = new ArrayList<>(parameters.size());
    List<Tensor> grads = new ArrayList<>(parameters.size());
    List<Tensor> ms = new ArrayList<>(parameters.size());
    List<Tensor> vs = new ArrayList<>(parameters.size());
    boolean allDecay = true;
    boolean noneDecay = true;
    float[] lrs = new float[parameters.size()];
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      Tensor[] s = slots(p);
      values.add(p.value());
      grads.add(p.grad());
      ms.add(s[0]);
      vs.add(s[1]);
      lrs[i] = (float) (lr * p.lrScale());
      allDecay &= p.decay();
      noneDecay &= !p.decay();
    }
    if (weightDecay == 0f || allDecay || noneDecay) {
      float wd = (weightDecay == 0f || noneDecay) ? 0f : weightDecay;
      backend.adamStepAll(
          values, grads, ms, vs, lrs, beta1, beta2, eps, wd, decoupled, (int) steps);
      return;
    }
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      backend.adamStep(
          values.get(i),
          grads.get(i),
          ms.get(i),
          vs.get(i),
          lrs[i],
          beta1,
          beta2,
          eps,
          p.decay() ? weightDecay : 0f,
          decoupled,
          (int) steps);
    }
  }
}
