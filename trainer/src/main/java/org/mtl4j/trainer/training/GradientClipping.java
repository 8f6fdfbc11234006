package org.mtl4j.trainer.training;

import java.util.List;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.autograd.Parameter;

/**
 * Clipping by global norm (Pascanu, Mikolov and Bengio, "On the difficulty of training recurrent
 * neural networks", 2013): when the L2 norm of all gradients together exceeds {@code maxNorm},
 * every gradient is scaled by {@code maxNorm / norm}.
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** Clips in place; returns the norm before clipping. */
  public static double clip(ComputeBackend backend, List<Parameter> params, double maxNorm) {
    double sq = 0;
    for (Parameter p : params) {
      sq += backend.sumSquares(p.grad());
    }
    double norm = Math.sqrt(sq);
    if (maxNorm > 0 && norm > maxNorm) {
      float s = (float) (maxNorm / (norm + 1e-6));
      for (Parameter p : params) {
        backend.affine(p.grad(), s, 0f, p.grad());
      }
    }
    return norm;
  }
}
