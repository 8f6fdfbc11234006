package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;
import org.mtl4j.api.backend.OpChecks;

/**
 * Fused losses with their gradients over native float buffers: softmax cross-entropy, binary
 * cross-entropy with logits and mean squared error, each averaged over the masked-in elements.
 */
final class LossKernels {
  private LossKernels() {}

  /**
   * Softmax cross-entropy; returns the mean loss and writes the gradient when {@code g != null}.
   * {@code mask} may be null (every row counts). Labels of masked-in rows are validated first.
   */
  static double softmaxCrossEntropy(
      FloatBuffer z, FloatBuffer labels, FloatBuffer mask, int n, int k, FloatBuffer g, Scratch s) {
    double count = 0;
    for (int i = 0; i < n; i++) {
      float m = mask == null ? 1f : mask.get(i);
      count += m;
      if (m != 0f) {
        OpChecks.label(i, labels.get(i), k);
      }
    }
    double denom = Math.max(1.0, count);
    double total = 0;
    double[] e = s.row(k);
    for (int i = 0; i < n; i++) {
      int off = i * k;
      double m = mask == null ? 1.0 : mask.get(i);
      if (m == 0) {
        if (g != null) {
          for (int j = 0; j < k; j++) {
            g.put(off + j, 0f);
          }
        }
        continue;
      }
      int y = (int) labels.get(i);
      double max = ReductionKernels.rowMax(z, off, k);
      double sum = max != max ? Double.NaN : ReductionKernels.expRow(z, off, k, max, e);
      double lse = max + Math.log(sum);
      total += -(z.get(off + y) - lse) * m;
      if (g != null) {
        double scale = m / denom;
        double inv = 1.0 / sum;
        for (int j = 0; j < k; j++) {
          double p = max != max ? Double.NaN : e[j] * inv;
          g.put(off + j, (float) (scale * (p - (j == y ? 1.0 : 0.0))));
        }
      }
    }
    return total / denom;
  }

  /**
   * BCE with logits ({@code bce}) or MSE over {@code n x k} elements; {@code mask} is null, of the
   * input's shape ({@code maskPerRow == false}) or one value per row.
   */
  static double elementLoss(
      boolean bce,
      FloatBuffer z,
      FloatBuffer t,
      FloatBuffer mask,
      boolean maskPerRow,
      int n,
      int k,
      FloatBuffer g) {
    double count = 0;
    if (mask == null) {
      count = (double) n * k;
    } else if (maskPerRow) {
      for (int i = 0; i < n; i++) {
        count += (double) mask.get(i) * k;
      }
    } else {
      for (int i = 0; i < n * k; i++) {
        count += mask.get(i);
      }
    }
    double denom = Math.max(1.0, count);
    double total = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        int idx = i * k + j;
        double m = mask == null ? 1.0 : mask.get(maskPerRow ? i : idx);
        if (m == 0) {
          if (g != null) {
            g.put(idx, 0f);
          }
          continue;
        }
        double x = z.get(idx);
        double y = t.get(idx);
        double gi;
        if (bce) {
          total += m * (Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))));
          gi = m * (ElementwiseKernels.sigmoid(x) - y) / denom;
        } else {
          double d = x - y;
          total += m * d * d;
          gi = m * 2.0 * d / denom;
        }
        if (g != null) {
          g.put(idx, (float) gi);
        }
      }
    }
    return total / denom;
  }
}
