package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;
import org.mtl4j.api.backend.ImageShapeChecks.PoolGeometry;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.ShapeChecks;

/**
 * Max, average and global average pooling and their gradients on the CPU: each {@code H x W} plane
 * is staged into the thread's {@link Scratch}, pooled in plain loops and written back; planes are
 * shared with the helper threads in chunks ({@link ConvKernels.Parallel}). Semantics as in {@link
 * org.mtl4j.api.backend.ComputeBackend#maxPool2d} and the following methods.
 */
final class PoolingKernels {
  private PoolingKernels() {}

  /** Planes per chunk: about 32k input values. */
  private static int planesPerChunk(int plane) {
    return Math.max(1, (1 << 15) / Math.max(1, plane));
  }

  private static void planes(int count, int plane, ConvKernels.Parallel par, PlaneRange body) {
    int per = planesPerChunk(plane);
    par.forEach(
        (count + per - 1) / per,
        (chunk, s) -> body.run(chunk * per, Math.min(count, (chunk + 1) * per), s));
  }

  @FunctionalInterface
  interface PlaneRange {
    void run(int from, int to, Scratch s);
  }

  static void maxPool(
      FloatBuffer x,
      PoolGeometry g,
      FloatBuffer out,
      FloatBuffer indices,
      ConvKernels.Parallel par) {
    Pool2dParams p = g.params();
    int h = g.h();
    int w = g.w();
    int oh = g.oh();
    int ow = g.ow();
    int plane = h * w;
    int outPlane = oh * ow;
    planes(
        g.n() * g.c(),
        plane,
        par,
        (from, to, s) -> {
          float[] img = s.image(0, plane);
          float[] o = s.image(1, outPlane);
          float[] idx = s.image(2, outPlane);
          for (int pl = from; pl < to; pl++) {
            x.get(pl * plane, img, 0, plane);
            for (int oy = 0; oy < oh; oy++) {
              int y0 = oy * p.strideH() - p.padH();
              int yLo = Math.max(0, y0);
              int yHi = Math.min(h, y0 + p.kernelH());
              for (int ox = 0; ox < ow; ox++) {
                int x0 = ox * p.strideW() - p.padW();
                int xLo = Math.max(0, x0);
                int xHi = Math.min(w, x0 + p.kernelW());
                int at = yLo * w + xLo;
                float best = img[at];
                // scan order: rows, then columns; the first NaN or the first maximum wins
                if (best == best) {
                  scan:
                  for (int iy = yLo; iy < yHi; iy++) {
                    for (int ix = iy == yLo ? xLo + 1 : xLo; ix < xHi; ix++) {
                      float v = img[iy * w + ix];
                      if (v > best) {
                        best = v;
                        at = iy * w + ix;
                      } else if (v != v) {
                        best = v;
                        at = iy * w + ix;
                        break scan;
                      }
                    }
                  }
                }
                o[oy * ow + ox] = best;
                idx[oy * ow + ox] = at;
              }
            }
            out.put(pl * outPlane, o, 0, outPlane);
            if (indices != null) {
              indices.put(pl * outPlane, idx, 0, outPlane);
            }
          }
        });
  }

  static void maxPoolBackward(
      FloatBuffer gradOut,
      FloatBuffer indices,
      int planes,
      int plane,
      int outPlane,
      FloatBuffer gradIn,
      ConvKernels.Parallel par) {
    planes(
        planes,
        plane,
        par,
        (from, to, s) -> {
          float[] acc = s.image(0, plane);
          float[] go = s.image(1, outPlane);
          float[] idx = s.image(2, outPlane);
          for (int pl = from; pl < to; pl++) {
            java.util.Arrays.fill(acc, 0, plane, 0f);
            gradOut.get(pl * outPlane, go, 0, outPlane);
            indices.get(pl * outPlane, idx, 0, outPlane);
            for (int q = 0; q < outPlane; q++) {
              float f = idx[q];
              int i = (int) f;
              if (i != f || i < 0 || i >= plane) {
                ShapeChecks.index("maxPool2dBackward", pl * outPlane + q, f, plane);
              }
              acc[i] += go[q];
            }
            gradIn.put(pl * plane, acc, 0, plane);
          }
        });
  }

  static void avgPool(FloatBuffer x, PoolGeometry g, FloatBuffer out, ConvKernels.Parallel par) {
    Pool2dParams p = g.params();
    int h = g.h();
    int w = g.w();
    int oh = g.oh();
    int ow = g.ow();
    int plane = h * w;
    int outPlane = oh * ow;
    float inv = 1f / (p.kernelH() * p.kernelW());
    planes(
        g.n() * g.c(),
        plane,
        par,
        (from, to, s) -> {
          float[] img = s.image(0, plane);
          float[] o = s.image(1, outPlane);
          for (int pl = from; pl < to; pl++) {
            x.get(pl * plane, img, 0, plane);
            for (int oy = 0; oy < oh; oy++) {
              int y0 = oy * p.strideH() - p.padH();
              int yLo = Math.max(0, y0);
              int yHi = Math.min(h, y0 + p.kernelH());
              for (int ox = 0; ox < ow; ox++) {
                int x0 = ox * p.strideW() - p.padW();
                int xLo = Math.max(0, x0);
                int xHi = Math.min(w, x0 + p.kernelW());
                float sum = 0f;
                for (int iy = yLo; iy < yHi; iy++) {
                  for (int ix = xLo; ix < xHi; ix++) {
                    sum += img[iy * w + ix];
                  }
                }
                o[oy * ow + ox] = sum * inv;
              }
            }
            out.put(pl * outPlane, o, 0, outPlane);
          }
        });
  }

  static void avgPoolBackward(
      FloatBuffer gradOut, PoolGeometry g, FloatBuffer gradIn, ConvKernels.Parallel par) {
    Pool2dParams p = g.params();
    int h = g.h();
    int w = g.w();
    int oh = g.oh();
    int ow = g.ow();
    int plane = h * w;
    int outPlane = oh * ow;
    float inv = 1f / (p.kernelH() * p.kernelW());
    planes(
        g.n() * g.c(),
        plane,
        par,
        (from, to, s) -> {
          float[] acc = s.image(0, plane);
          float[] go = s.image(1, outPlane);
          for (int pl = from; pl < to; pl++) {
            java.util.Arrays.fill(acc, 0, plane, 0f);
            gradOut.get(pl * outPlane, go, 0, outPlane);
            for (int oy = 0; oy < oh; oy++) {
              int y0 = oy * p.strideH() - p.padH();
              int yLo = Math.max(0, y0);
              int yHi = Math.min(h, y0 + p.kernelH());
              for (int ox = 0; ox < ow; ox++) {
                int x0 = ox * p.strideW() - p.padW();
                int xLo = Math.max(0, x0);
                int xHi = Math.min(w, x0 + p.kernelW());
                float v = go[oy * ow + ox] * inv;
                for (int iy = yLo; iy < yHi; iy++) {
                  for (int ix = xLo; ix < xHi; ix++) {
                    acc[iy * w + ix] += v;
                  }
                }
              }
            }
            gradIn.put(pl * plane, acc, 0, plane);
          }
        });
  }

  static void globalAvgPool(
      FloatBuffer x, int planes, int plane, FloatBuffer out, ConvKernels.Parallel par) {
    planes(
        planes,
        plane,
        par,
        (from, to, s) -> {
          float[] img = s.image(0, plane);
          for (int pl = from; pl < to; pl++) {
            x.get(pl * plane, img, 0, plane);
            out.put(pl, (float) (ConvKernels.planeSum(img, plane) / plane));
          }
        });
  }

  static void globalAvgPoolBackward(
      FloatBuffer gradOut, int planes, int plane, FloatBuffer gradIn, ConvKernels.Parallel par) {
    planes(
        planes,
        plane,
        par,
        (from, to, s) -> {
          float[] img = s.image(0, plane);
          for (int pl = from; pl < to; pl++) {
            java.util.Arrays.fill(img, 0, plane, gradOut.get(pl) / plane);
            gradIn.put(pl * plane, img, 0, plane);
          }
        });
  }
}
