package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Fused optimiser updates over native float buffers with PyTorch's semantics: SGD with momentum
 * (Sutskever et al. 2013, Nesterov optional) and Adam (Kingma and Ba, "Adam: A Method for
 * Stochastic Optimization", ICLR 2015) or AdamW (Loshchilov and Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019). One pass over memory per step, staged through {@link Scratch} in
 * float arithmetic so the loops vectorise.
 */
final class OptimizerKernels {
  private static final int CH = Scratch.CHUNK;

  private OptimizerKernels() {}

  static void sgd(
      FloatBuffer p,
      FloatBuffer g,
      FloatBuffer v,
      int n,
      float lr,
      float momentum,
      float weightDecay,
      boolean nesterov,
      Scratch s) {
    float[] ps = s.s0;
    float[] gs = s.s1;
    float[] vs = s.s2;
    for (int off = 0; off < n; off += CH) {
      int len = Math.min(CH, n - off);
      p.get(off, ps, 0, len);
      g.get(off, gs, 0, len);
      if (weightDecay != 0f) {
        for (int i = 0; i < len; i++) {
          gs[i] += weightDecay * ps[i];
        }
      }
      if (v != null) {
        v.get(off, vs, 0, len);
        for (int i = 0; i < len; i++) {
          vs[i] = momentum * vs[i] + gs[i];
        }
        v.put(off, vs, 0, len);
        if (nesterov) {
          for (int i = 0; i < len; i++) {
            gs[i] += momentum * vs[i];
          }
        } else {
          System.arraycopy(vs, 0, gs, 0, len);
        }
      }
      for (int i = 0; i < len; i++) {
        ps[i] -= lr * gs[i];
      }
      p.put(off, ps, 0, len);
    }
  }

  static void adam(
      FloatBuffer p,
      FloatBuffer g,
      FloatBuffer m,
      FloatBuffer v,
      int from,
      int to,
      float lr,
      float beta1,
      float beta2,
      float eps,
      float weightDecay,
      boolean decoupled,
      int step,
      Scratch s) {
    double bc1 = 1.0 - Math.pow(beta1, step);
    double bc2 = 1.0 - Math.pow(beta2, step);
    float c1 = 1f - beta1;
    float c2 = 1f - beta2;
    float decay = (float) (1.0 - (double) lr * weightDecay);
    float stepSize = (float) (lr / bc1);
    float invSqrtBc2 = (float) (1.0 / Math.sqrt(bc2));
    float[] ps = s.s0;
    float[] gs = s.s1;
    float[] ms = s.s2;
    float[] vs = s.s3;
    for (int off = from; off < to; off += CH) {
      int len = Math.min(CH, to - off);
      p.get(off, ps, 0, len);
      g.get(off, gs, 0, len);
      m.get(off, ms, 0, len);
      v.get(off, vs, 0, len);
      if (weightDecay != 0f) {
        if (decoupled) {
          for (int i = 0; i < len; i++) {
            ps[i] *= decay;
          }
        } else {
          for (int i = 0; i < len; i++) {
            gs[i] += weightDecay * ps[i];
          }
        }
      }
      for (int i = 0; i < len; i++) {
        float gi = gs[i];
        float mi = beta1 * ms[i] + c1 * gi;
        float vi = beta2 * vs[i] + c2 * gi * gi;
        ms[i] = mi;
        vs[i] = vi;
        ps[i] -= stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
      }
      p.put(off, ps, 0, len);
      m.put(off, ms, 0, len);
      v.put(off, vs, 0, len);
    }
  }
}
