package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;

/**
 * Batch normalisation (Ioffe and Szegedy 2015) on the CPU, one channel at a time: its {@code N}
 * planes are staged through the thread's {@link Scratch}, statistics are summed in double (two
 * passes: mean, then the centred squares), and channels are shared with the helper threads ({@link
 * ConvKernels.Parallel}). Semantics as in {@link
 * org.mtl4j.api.backend.ComputeBackend#batchNorm2dTraining} and the following methods.
 */
final class BatchNormKernels {
  private BatchNormKernels() {}

  /** Channels per chunk: about 32k values. */
  private static int perChunk(int[] d) {
    long perChannel = (long) d[0] * d[2] * d[3];
    return (int) Math.max(1, Math.min(d[1], (1L << 15) / Math.max(1, perChannel)));
  }

  private static void channels(int[] d, ConvKernels.Parallel par, ChannelBody body) {
    int per = perChunk(d);
    par.forEach(
        (d[1] + per - 1) / per,
        (chunk, s) -> {
          for (int c = chunk * per, end = Math.min(d[1], (chunk + 1) * per); c < end; c++) {
            body.run(c, s);
          }
        });
  }

  @FunctionalInterface
  interface ChannelBody {
    void run(int c, Scratch s);
  }

  static void training(
      FloatBuffer x,
      int[] d,
      FloatBuffer gamma,
      FloatBuffer beta,
      float eps,
      float momentum,
      FloatBuffer runningMean,
      FloatBuffer runningVar,
      FloatBuffer out,
      FloatBuffer saveMean,
      FloatBuffer saveInvStd,
      ConvKernels.Parallel par) {
    int plane = d[2] * d[3];
    double m = (double) d[0] * plane;
    channels(
        d,
        par,
        (c, s) -> {
          float[] v = s.image(0, plane);
          double sum = 0;
          for (int n = 0; n < d[0]; n++) {
            x.get((n * d[1] + c) * plane, v, 0, plane);
            sum += ConvKernels.planeSum(v, plane);
          }
          double mean = sum / m;
          float fm = (float) mean;
          double sq = 0;
          for (int n = 0; n < d[0]; n++) {
            x.get((n * d[1] + c) * plane, v, 0, plane);
            float s0 = 0f;
            float s1 = 0f;
            int q = 0;
            for (; q + 1 < plane; q += 2) {
              float a = v[q] - fm;
              float b = v[q + 1] - fm;
              s0 += a * a;
              s1 += b * b;
            }
            double part = (double) s0 + s1;
            for (; q < plane; q++) {
              double a = v[q] - mean;
              part += a * a;
            }
            sq += part;
          }
          // the float mean's offset from the exact one: sum (x - fm)^2 = sum (x - mean)^2 + m (mean
          // - fm)^2
          double var = Math.max(0, sq / m - (mean - fm) * (mean - fm));
          double invStd = 1.0 / Math.sqrt(var + eps);
          float scale = (float) (gamma.get(c) * invStd);
          float shift = (float) (beta.get(c) - gamma.get(c) * invStd * mean);
          for (int n = 0; n < d[0]; n++) {
            int off = (n * d[1] + c) * plane;
            x.get(off, v, 0, plane);
            for (int q = 0; q < plane; q++) {
              v[q] = v[q] * scale + shift;
            }
            out.put(off, v, 0, plane);
          }
          saveMean.put(c, fm);
          saveInvStd.put(c, (float) invStd);
          if (runningMean != null) {
            runningMean.put(c, (float) ((1.0 - momentum) * runningMean.get(c) + momentum * mean));
            runningVar.put(
                c, (float) ((1.0 - momentum) * runningVar.get(c) + momentum * var * m / (m - 1)));
          }
        });
  }

  static void inference(
      FloatBuffer x,
      int[] d,
      FloatBuffer gamma,
      FloatBuffer beta,
      FloatBuffer runningMean,
      FloatBuffer runningVar,
      float eps,
      FloatBuffer out,
      ConvKernels.Parallel par) {
    int plane = d[2] * d[3];
    channels(
        d,
        par,
        (c, s) -> {
          float[] v = s.image(0, plane);
          double invStd = 1.0 / Math.sqrt((double) runningVar.get(c) + eps);
          float scale = (float) (gamma.get(c) * invStd);
          float shift = (float) (beta.get(c) - gamma.get(c) * invStd * runningMean.get(c));
          for (int n = 0; n < d[0]; n++) {
            int off = (n * d[1] + c) * plane;
            x.get(off, v, 0, plane);
            for (int q = 0; q < plane; q++) {
              v[q] = v[q] * scale + shift;
            }
            out.put(off, v, 0, plane);
          }
        });
  }

  static void backward(
      FloatBuffer x,
      FloatBuffer gradOut,
      int[] d,
      FloatBuffer gamma,
      FloatBuffer mean,
      FloatBuffer invStd,
      boolean batchStatistics,
      FloatBuffer gradIn,
      FloatBuffer gradGamma,
      FloatBuffer gradBeta,
      ConvKernels.Parallel par) {
    int plane = d[2] * d[3];
    double m = (double) d[0] * plane;
    channels(
        d,
        par,
        (c, s) -> {
          float[] xv = s.image(0, plane);
          float[] gv = s.image(1, plane);
          float mu = mean.get(c);
          float is = invStd.get(c);
          double sumG = 0;
          double sumGx = 0;
          for (int n = 0; n < d[0]; n++) {
            int off = (n * d[1] + c) * plane;
            x.get(off, xv, 0, plane);
            gradOut.get(off, gv, 0, plane);
            float a = 0f;
            float b = 0f;
            for (int q = 0; q < plane; q++) {
              a += gv[q];
              b += gv[q] * (xv[q] - mu);
            }
            sumG += a;
            sumGx += b;
          }
          double dGamma = sumGx * is;
          if (gradGamma != null) {
            gradGamma.put(c, (float) dGamma);
          }
          if (gradBeta != null) {
            gradBeta.put(c, (float) sumG);
          }
          if (gradIn == null) {
            return;
          }
          double k = gamma.get(c) * is;
          float scale = (float) k;
          float shiftG = 0f;
          float slope = 0f;
          if (batchStatistics) {
            // k/m (m g - sumG - xhat dGamma) = k g - k sumG/m - k dGamma is/m (x - mu)
            shiftG = (float) (-k * sumG / m);
            slope = (float) (-k * dGamma * is / m);
          }
          for (int n = 0; n < d[0]; n++) {
            int off = (n * d[1] + c) * plane;
            gradOut.get(off, gv, 0, plane);
            if (batchStatistics) {
              x.get(off, xv, 0, plane);
              for (int q = 0; q < plane; q++) {
                gv[q] = scale * gv[q] + shiftG + slope * (xv[q] - mu);
              }
            } else {
              for (int q = 0; q < plane; q++) {
                gv[q] = scale * gv[q];
              }
            }
            gradIn.put(off, gv, 0, plane);
          }
        });
  }
}
