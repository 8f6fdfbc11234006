package org.mtl4j.api.testing;

import java.util.function.DoubleUnaryOperator;
import org.mtl4j.api.backend.ImageShapeChecks.ConvGeometry;
import org.mtl4j.api.backend.ImageShapeChecks.PoolGeometry;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.ShapeChecks;

/**
 * The image primitives of {@link ReferenceBackend} in the most literal form: every output element
 * is the sum its defining formula in {@link org.mtl4j.api.backend.ComputeBackend} writes, in
 * double, over plain arrays in NCHW order. {@code round} is applied to each stored value (float32
 * rounding or none). Shapes have been checked by the caller.
 */
final class ReferenceImageOps {
  private ReferenceImageOps() {}

  private static int idx(int n, int c, int y, int x, int cs, int hs, int ws) {
    return ((n * cs + c) * hs + y) * ws + x;
  }

  static void conv2d(
      double[] x, double[] w, double[] bias, ConvGeometry g, double[] out, DoubleUnaryOperator r) {
    var p = g.params();
    for (int n = 0; n < g.n(); n++) {
      for (int k = 0; k < g.k(); k++) {
        for (int oy = 0; oy < g.oh(); oy++) {
          for (int ox = 0; ox < g.ow(); ox++) {
            double s = bias == null ? 0.0 : bias[k];
            for (int c = 0; c < g.c(); c++) {
              for (int i = 0; i < g.kh(); i++) {
                int iy = oy * p.strideH() - p.padH() + i * p.dilationH();
                if (iy < 0 || iy >= g.h()) {
                  continue;
                }
                for (int j = 0; j < g.kw(); j++) {
                  int ix = ox * p.strideW() - p.padW() + j * p.dilationW();
                  if (ix < 0 || ix >= g.w()) {
                    continue;
                  }
                  s +=
                      w[idx(k, c, i, j, g.c(), g.kh(), g.kw())]
                          * x[idx(n, c, iy, ix, g.c(), g.h(), g.w())];
                }
              }
            }
            out[idx(n, k, oy, ox, g.k(), g.oh(), g.ow())] = r.applyAsDouble(s);
          }
        }
      }
    }
  }

  static void conv2dBackwardInput(
      double[] gradOut, double[] w, ConvGeometry g, double[] gradIn, DoubleUnaryOperator r) {
    var p = g.params();
    double[] acc = new double[gradIn.length];
    for (int n = 0; n < g.n(); n++) {
      for (int k = 0; k < g.k(); k++) {
        for (int oy = 0; oy < g.oh(); oy++) {
          for (int ox = 0; ox < g.ow(); ox++) {
            double go = gradOut[idx(n, k, oy, ox, g.k(), g.oh(), g.ow())];
            for (int c = 0; c < g.c(); c++) {
              for (int i = 0; i < g.kh(); i++) {
                int iy = oy * p.strideH() - p.padH() + i * p.dilationH();
                if (iy < 0 || iy >= g.h()) {
                  continue;
                }
                for (int j = 0; j < g.kw(); j++) {
                  int ix = ox * p.strideW() - p.padW() + j * p.dilationW();
                  if (ix < 0 || ix >= g.w()) {
                    continue;
                  }
                  acc[idx(n, c, iy, ix, g.c(), g.h(), g.w())] +=
                      go * w[idx(k, c, i, j, g.c(), g.kh(), g.kw())];
                }
              }
            }
          }
        }
      }
    }
    for (int i = 0; i < acc.length; i++) {
      gradIn[i] = r.applyAsDouble(acc[i]);
    }
  }

  static void conv2dBackwardWeight(
      double[] x,
      double[] gradOut,
      ConvGeometry g,
      float beta,
      double[] gradW,
      double[] gradB,
      DoubleUnaryOperator r) {
    var p = g.params();
    for (int k = 0; k < g.k(); k++) {
      for (int c = 0; c < g.c(); c++) {
        for (int i = 0; i < g.kh(); i++) {
          for (int j = 0; j < g.kw(); j++) {
            double s = 0;
            for (int n = 0; n < g.n(); n++) {
              for (int oy = 0; oy < g.oh(); oy++) {
                int iy = oy * p.strideH() - p.padH() + i * p.dilationH();
                if (iy < 0 || iy >= g.h()) {
                  continue;
                }
                for (int ox = 0; ox < g.ow(); ox++) {
                  int ix = ox * p.strideW() - p.padW() + j * p.dilationW();
                  if (ix < 0 || ix >= g.w()) {
                    continue;
                  }
                  s +=
                      gradOut[idx(n, k, oy, ox, g.k(), g.oh(), g.ow())]
                          * x[idx(n, c, iy, ix, g.c(), g.h(), g.w())];
                }
              }
            }
            int at = idx(k, c, i, j, g.c(), g.kh(), g.kw());
            gradW[at] = r.applyAsDouble(s + (beta == 0f ? 0.0 : beta * gradW[at]));
          }
        }
      }
      if (gradB != null) {
        double s = 0;
        for (int n = 0; n < g.n(); n++) {
          for (int q = 0; q < g.oh() * g.ow(); q++) {
            s += gradOut[(n * g.k() + k) * g.oh() * g.ow() + q];
          }
        }
        gradB[k] = r.applyAsDouble(s + (beta == 0f ? 0.0 : beta * gradB[k]));
      }
    }
  }

  static void maxPool2d(
      double[] x, PoolGeometry g, double[] out, double[] indices, DoubleUnaryOperator r) {
    Pool2dParams p = g.params();
    for (int plane = 0; plane < g.n() * g.c(); plane++) {
      int in0 = plane * g.h() * g.w();
      for (int oy = 0; oy < g.oh(); oy++) {
        for (int ox = 0; ox < g.ow(); ox++) {
          double best = Double.NEGATIVE_INFINITY;
          int bestAt = -1;
          for (int i = 0; i < p.kernelH(); i++) {
            int iy = oy * p.strideH() - p.padH() + i;
            for (int j = 0; j < p.kernelW(); j++) {
              int ix = ox * p.strideW() - p.padW() + j;
              if (iy < 0 || iy >= g.h() || ix < 0 || ix >= g.w()) {
                continue;
              }
              double v = x[in0 + iy * g.w() + ix];
              boolean bestIsNaN = bestAt >= 0 && Double.isNaN(best);
              if (bestAt < 0 || (!bestIsNaN && (Double.isNaN(v) || v > best))) {
                best = v;
                bestAt = iy * g.w() + ix;
              }
            }
          }
          int o = (plane * g.oh() + oy) * g.ow() + ox;
          out[o] = r.applyAsDouble(best);
          if (indices != null) {
            indices[o] = bestAt;
          }
        }
      }
    }
  }

  static void maxPool2dBackward(
      double[] gradOut,
      double[] indices,
      int[] nchw,
      int outPlane,
      double[] gradIn,
      DoubleUnaryOperator r) {
    int plane = nchw[2] * nchw[3];
    java.util.Arrays.fill(gradIn, 0.0);
    double[] acc = gradIn;
    for (int pl = 0; pl < nchw[0] * nchw[1]; pl++) {
      for (int q = 0; q < outPlane; q++) {
        int o = pl * outPlane + q;
        int at = ShapeChecks.index("maxPool2dBackward", o, (float) indices[o], plane);
        acc[pl * plane + at] += gradOut[o];
      }
    }
    for (int i = 0; i < acc.length; i++) {
      acc[i] = r.applyAsDouble(acc[i]);
    }
  }

  static void avgPool2d(double[] x, PoolGeometry g, double[] out, DoubleUnaryOperator r) {
    Pool2dParams p = g.params();
    double area = (double) p.kernelH() * p.kernelW();
    for (int plane = 0; plane < g.n() * g.c(); plane++) {
      int in0 = plane * g.h() * g.w();
      for (int oy = 0; oy < g.oh(); oy++) {
        for (int ox = 0; ox < g.ow(); ox++) {
          double s = 0;
          for (int i = 0; i < p.kernelH(); i++) {
            int iy = oy * p.strideH() - p.padH() + i;
            for (int j = 0; j < p.kernelW(); j++) {
              int ix = ox * p.strideW() - p.padW() + j;
              if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                s += x[in0 + iy * g.w() + ix];
              }
            }
          }
          out[(plane * g.oh() + oy) * g.ow() + ox] = r.applyAsDouble(s / area);
        }
      }
    }
  }

  static void avgPool2dBackward(
      double[] gradOut, PoolGeometry g, double[] gradIn, DoubleUnaryOperator r) {
    Pool2dParams p = g.params();
    double area = (double) p.kernelH() * p.kernelW();
    double[] acc = new double[gradIn.length];
    for (int plane = 0; plane < g.n() * g.c(); plane++) {
      int in0 = plane * g.h() * g.w();
      for (int oy = 0; oy < g.oh(); oy++) {
        for (int ox = 0; ox < g.ow(); ox++) {
          double go = gradOut[(plane * g.oh() + oy) * g.ow() + ox] / area;
          for (int i = 0; i < p.kernelH(); i++) {
            int iy = oy * p.strideH() - p.padH() + i;
            for (int j = 0; j < p.kernelW(); j++) {
              int ix = ox * p.strideW() - p.padW() + j;
              if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                acc[in0 + iy * g.w() + ix] += go;
              }
            }
          }
        }
      }
    }
    for (int i = 0; i < acc.length; i++) {
      gradIn[i] = r.applyAsDouble(acc[i]);
    }
  }

  static void globalAvgPool2d(double[] x, int[] d, double[] out, DoubleUnaryOperator r) {
    int plane = d[2] * d[3];
    for (int pl = 0; pl < d[0] * d[1]; pl++) {
      double s = 0;
      for (int q = 0; q < plane; q++) {
        s += x[pl * plane + q];
      }
      out[pl] = r.applyAsDouble(s / plane);
    }
  }

  static void globalAvgPool2dBackward(
      double[] gradOut, int[] d, double[] gradIn, DoubleUnaryOperator r) {
    int plane = d[2] * d[3];
    for (int pl = 0; pl < d[0] * d[1]; pl++) {
      double v = r.applyAsDouble(gradOut[pl] / plane);
      java.util.Arrays.fill(gradIn, pl * plane, (pl + 1) * plane, v);
    }
  }

  /** Sum over {@code n, y, x} of {@code f(value, position)} for channel {@code c}. */
  private interface ChannelTerm {
    double at(int i);
  }

  private static double channelSum(int[] d, int c, ChannelTerm f) {
    int plane = d[2] * d[3];
    double s = 0;
    for (int n = 0; n < d[0]; n++) {
      int base = (n * d[1] + c) * plane;
      for (int q = 0; q < plane; q++) {
        s += f.at(base + q);
      }
    }
    return s;
  }

  private static void forEachInChannel(int[] d, int c, java.util.function.IntConsumer f) {
    int plane = d[2] * d[3];
    for (int n = 0; n < d[0]; n++) {
      int base = (n * d[1] + c) * plane;
      for (int q = 0; q < plane; q++) {
        f.accept(base + q);
      }
    }
  }

  static void batchNorm2dTraining(
      double[] x,
      int[] d,
      double[] gamma,
      double[] beta,
      float eps,
      float momentum,
      double[] runningMean,
      double[] runningVar,
      double[] out,
      double[] saveMean,
      double[] saveInvStd,
      DoubleUnaryOperator r) {
    double m = (double) d[0] * d[2] * d[3];
    for (int c = 0; c < d[1]; c++) {
      double mean = channelSum(d, c, i -> x[i]) / m;
      double var = channelSum(d, c, i -> (x[i] - mean) * (x[i] - mean)) / m;
      double invStd = 1.0 / Math.sqrt(var + eps);
      double gc = gamma[c];
      double bc = beta[c];
      forEachInChannel(d, c, i -> out[i] = r.applyAsDouble(gc * (x[i] - mean) * invStd + bc));
      saveMean[c] = r.applyAsDouble(mean);
      saveInvStd[c] = r.applyAsDouble(invStd);
      if (runningMean != null) {
        runningMean[c] = r.applyAsDouble((1.0 - momentum) * runningMean[c] + momentum * mean);
        runningVar[c] =
            r.applyAsDouble((1.0 - momentum) * runningVar[c] + momentum * var * m / (m - 1));
      }
    }
  }

  static void batchNorm2dInference(
      double[] x,
      int[] d,
      double[] gamma,
      double[] beta,
      double[] runningMean,
      double[] runningVar,
      float eps,
      double[] out,
      DoubleUnaryOperator r) {
    for (int c = 0; c < d[1]; c++) {
      double mean = runningMean[c];
      double invStd = 1.0 / Math.sqrt(runningVar[c] + eps);
      double gc = gamma[c];
      double bc = beta[c];
      forEachInChannel(d, c, i -> out[i] = r.applyAsDouble(gc * (x[i] - mean) * invStd + bc));
    }
  }

  static void batchNorm2dBackward(
      double[] x,
      double[] gradOut,
      int[] d,
      double[] gamma,
      double[] mean,
      double[] invStd,
      boolean batchStatistics,
      double[] gradIn,
      double[] gradGamma,
      double[] gradBeta,
      DoubleUnaryOperator r) {
    double m = (double) d[0] * d[2] * d[3];
    for (int c = 0; c < d[1]; c++) {
      double mu = mean[c];
      double is = invStd[c];
      double dGamma = channelSum(d, c, i -> gradOut[i] * (x[i] - mu) * is);
      double dBeta = channelSum(d, c, i -> gradOut[i]);
      if (gradGamma != null) {
        gradGamma[c] = r.applyAsDouble(dGamma);
      }
      if (gradBeta != null) {
        gradBeta[c] = r.applyAsDouble(dBeta);
      }
      if (gradIn != null) {
        double scale = gamma[c] * is;
        if (batchStatistics) {
          forEachInChannel(
              d,
              c,
              i ->
                  gradIn[i] =
                      r.applyAsDouble(
                          scale / m * (m * gradOut[i] - dBeta - (x[i] - mu) * is * dGamma)));
        } else {
          forEachInChannel(d, c, i -> gradIn[i] = r.applyAsDouble(scale * gradOut[i]));
        }
      }
    }
  }
}
