package org.mtl4j.weighting;

import java.util.List;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * GradDrop, gradient sign dropout (Chen, Ngiam, Huang, Luong, Kretzschmar, Chai and Anguelov, "Just
 * Pick a Sign: Optimizing Deep Multitask Models with Gradient Sign Dropout", NeurIPS 2020,
 * Algorithm 1), applied where the paper applies it: to the gradients of the shared activations Z
 * (the representation). For each feature j, with {@code s_tj = Σ_rows sign(Z) ⊙ ∂L_t/∂Z} (the
 * batch-reduced, input-sign-corrected gradient of §3.2),
 *
 * <pre>
 *   P_j = ½ (1 + Σ_t s_tj / (Σ_t |s_tj| + 1e-7)),   U_j ~ Uniform(0, 1),
 *   M_tj = [P_j > U_j and s_tj > 0] or [P_j < U_j and s_tj < 0],
 * </pre>
 *
 * and Z receives {@code Σ_t ∂L_t/∂Z ⊙ (leak + (1 − leak) M_t)}: per feature, only the gradients of
 * one sign survive, chosen with probability equal to that sign's purity. U is drawn from (seed,
 * step, feature), so runs are reproducible. Reports each task's mean mask (the share of its
 * gradient kept). sign(Z) is computed as {@code clamp(Z · 1e30, −1, 1)}: exact for 0 and for |Z| >=
 * 1e-30. Per step it downloads T feature sums and uploads T masks ({@code [1, F]}), into buffers
 * the instance keeps.
 */
final class GradientSignDropout extends GradientBalancing {
  private static final float SIGN_SCALE = 1e30f;

  private final double leak;
  private final long seed;
  private float[][] sums = new float[0][];
  private float[] mask = new float[0];

  GradientSignDropout(int taskCount, double leak, long seed) {
    super(taskCount, true, "graddrop");
    this.leak = leak;
    this.seed = seed;
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    throw new UnsupportedOperationException("graddrop masks gradients element-wise");
  }

  @Override
  double[] combine(TaskGradients gradients, WeightingStep step, List<Tensor> targets) {
    Tensor z = step.representation().value();
    ComputeBackend backend = step.graph().backend();
    int t = gradients.taskCount();
    int f = z.shape().cols();
    if (mask.length != f || sums.length != t) {
      sums = new float[t][f];
      mask = new float[f];
    }
    double[] kept = new double[t];
    try (TensorScope scope = backend.openScope()) {
      Tensor a = backend.allocate(z.shape());
      Tensor b = backend.allocate(z.shape());
      Tensor row = backend.allocate(Shape.row(f));
      backend.affine(z, SIGN_SCALE, 0f, a);
      backend.binary(BinaryOp.MAX, a, backend.fromHost(Shape.scalar(), new float[] {-1f}), b);
      Tensor sign = a;
      backend.binary(BinaryOp.MIN, b, backend.fromHost(Shape.scalar(), new float[] {1f}), sign);
      for (int i = 0; i < t; i++) {
        backend.binary(BinaryOp.MUL, gradients.parts(i).get(0), sign, b);
        backend.sumRows(b, row);
        backend.download(row, sums[i]);
      }
      long stepSeed = CounterRng.derive(seed, step.step());
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < f; j++) {
          double total = 0;
          double absolute = 0;
          for (int k = 0; k < t; k++) {
            total += sums[k][j];
            absolute += Math.abs(sums[k][j]);
          }
          double purity = 0.5 * (1 + total / (absolute + 1e-7));
          double u = RandomDraws.uniform(stepSeed, j);
          double s = sums[i][j];
          boolean keep = (purity > u && s > 0) || (purity < u && s < 0);
          mask[j] = (float) (leak + (1 - leak) * (keep ? 1 : 0));
          kept[i] += mask[j] / f;
        }
        backend.upload(mask, row);
        backend.binary(BinaryOp.MUL, gradients.parts(i).get(0), row, b);
        backend.axpby(1f, b, 1f, targets.get(0));
      }
    }
    return kept;
  }
}
