package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Fused optimiser updates over native float buffers with PyTorch's semantics: SGD with momentum
 * (Sutskever et al. 2013, Nesterov optional) and Adam (Kingma and Ba, "Adam: A Method for
 * Stochastic Optimization", ICLR 2015) or AdamW (Loshchilov and Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019). One pass over memory per step.
 */
final class OptimizerKernels {
  private OptimizerKernels() {}

  static void sgd(
      FloatBuffer p,
      FloatBuffer g,
      FloatBuffer v,
      int n,
      float lr,
      float momentum,
      float weightDecay,
      boolean nesterov) {
    for (int i = 0; i < n; i++) {
      double pi = p.get(i);
      double gi = g.get(i) + (double) weightDecay * pi;
      if (v != null) {
        float vi = (float) (momentum * (double) v.get(i) + gi);
        v.put(i, vi);
        gi = nesterov ? gi + (double) momentum * vi : vi;
      }
      p.put(i, (float) (pi - lr * gi));
    }
  }

  static void adam(
      FloatBuffer p,
      FloatBuffer g,
      FloatBuffer m,
      FloatBuffer v,
      int n,
      float lr,
      float beta1,
      float beta2,
      float eps,
      float weightDecay,
      boolean decoupled,
      int step) {
    double bc1 = 1.0 - Math.pow(beta1, step);
    double bc2 = 1.0 - Math.pow(beta2, step);
    double c1 = 1.0 - beta1;
    double c2 = 1.0 - beta2;
    double decay = 1.0 - (double) lr * weightDecay;
    double l2 = decoupled ? 0.0 : weightDecay;
    double stepSize = lr / bc1;
    double invBc2 = 1.0 / bc2;
    for (int i = 0; i < n; i++) {
      double pi = p.get(i);
      double gi = g.get(i);
      if (decoupled) {
        pi = pi * decay;
      } else {
        gi = gi + l2 * pi;
      }
      float mi = (float) (beta1 * (double) m.get(i) + c1 * gi);
      float vi = (float) (beta2 * (double) v.get(i) + c2 * gi * gi);
      m.put(i, mi);
      v.put(i, vi);
      p.put(i, (float) (pi - stepSize * mi / (Math.sqrt(vi * invBc2) + eps)));
    }
  }
}
