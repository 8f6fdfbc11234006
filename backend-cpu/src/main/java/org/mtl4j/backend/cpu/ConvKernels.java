package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.ImageShapeChecks.ConvGeometry;

/**
 * 2-D convolution on the CPU as matrix products (Chellapilla, Puri and Simard, "High performance
 * convolutional neural networks for document processing", 2006): per image, the input patches are
 * unrolled into the columns of a {@code [C*kH*kW, OH*OW]} matrix (im2col), so that the forward pass
 * is one {@code cblas_sgemm} of the {@code [K, C*kH*kW]} weight with it, the weight gradient one
 * product of the output gradient with its transpose, and the input gradient one product of the
 * transposed weight with the output gradient followed by the scatter-add back onto the image
 * (col2im). A 1x1 convolution with stride 1 and no padding needs no unrolling: the image itself is
 * the matrix.
 *
 * <p>The unrolled matrix lives in one pooled native block per call ({@link BufferPool}, so a steady
 * state asks the system for nothing); im2col and col2im stage each input plane through the calling
 * thread's {@link Scratch} and are shared with the helper threads channel by channel ({@link
 * WorkShare}), while OpenBLAS threads the products.
 */
final class ConvKernels {
  private ConvKernels() {}

  /** Runs {@code count} chunks, in parallel where the backend has helpers. */
  @FunctionalInterface
  interface Parallel {
    void forEach(int count, WorkShare.Chunk chunk);
  }

  /** Whether the image is its own im2col matrix (1x1 kernel, stride 1, no padding). */
  static boolean direct(ConvGeometry g) {
    Conv2dParams p = g.params();
    return g.kh() == 1
        && g.kw() == 1
        && p.strideH() == 1
        && p.strideW() == 1
        && p.padH() == 0
        && p.padW() == 0;
  }

  /** Channels per im2col/col2im chunk: about 64k unrolled values per chunk. */
  private static int channelsPerChunk(ConvGeometry g) {
    long perChannel = (long) g.kh() * g.kw() * g.outputPlane();
    return (int) Math.max(1, Math.min(g.c(), (1L << 16) / Math.max(1, perChannel)));
  }

  /**
   * Unrolls image {@code n} of {@code x} into {@code col} ({@code [C*kH*kW, OH*OW]}, row {@code
   * (c*kH + i)*kW + j}), shared out in channel chunks.
   */
  static void im2col(FloatBuffer x, int n, ConvGeometry g, FloatBuffer col, Parallel par) {
    int per = channelsPerChunk(g);
    int chunks = (g.c() + per - 1) / per;
    par.forEach(
        chunks,
        (chunk, s) -> {
          for (int c = chunk * per, end = Math.min(g.c(), (chunk + 1) * per); c < end; c++) {
            im2colChannel(x, n, c, g, col, g.outputPlane(), 0, s);
          }
        });
  }

  /**
   * Images per batched call for a convolution whose per-image products are small (at most {@link
   * #SMALL_IMAGE} unrolled values per image), so that one {@code sgemm} covers many images instead
   * of one call per image; 1 (one image per call, the unbatched path) for larger layers. The
   * batched im2col matrix stays within {@link #BATCH_FLOATS} floats.
   */
  static int imagesPerCall(ConvGeometry g) {
    long perImage = (long) g.patchSize() * g.outputPlane();
    long perOut = (long) g.k() * g.outputPlane();
    if (g.n() < 2 || perImage > SMALL_IMAGE || direct(g)) {
      return 1;
    }
    return (int) Math.max(1, Math.min(g.n(), BATCH_FLOATS / Math.max(perImage, perOut)));
  }

  /** Unrolled values per image below which {@link #imagesPerCall} batches images. */
  static final long SMALL_IMAGE = 1L << 16;

  /**
   * Bound of a batched im2col matrix (and of its product) in floats: 1 MiB, which measured faster
   * on the LeNet than 8 MiB (2026-12-02, noisy).
   */
  static final long BATCH_FLOATS = 1L << 18;

  /**
   * Unrolls images {@code [n0, n0 + count)} of {@code x} side by side into {@code col} ({@code
   * [C*kH*kW, count*OH*OW]}: image {@code n0 + i} in columns {@code [i*OH*OW, (i+1)*OH*OW)}),
   * shared out by image.
   */
  static void im2colBatch(
      FloatBuffer x, int n0, int count, ConvGeometry g, FloatBuffer col, Parallel par) {
    int plane = g.outputPlane();
    par.forEach(
        count,
        (i, s) -> {
          for (int c = 0; c < g.c(); c++) {
            im2colChannel(x, n0 + i, c, g, col, count * plane, i * plane, s);
          }
        });
  }

  /**
   * The transpose of {@link #im2colBatch}: scatters the batched {@code col} back onto images {@code
   * [n0, n0 + count)} of {@code dx}, overwriting them; shared out by image.
   */
  static void col2imBatch(
      FloatBuffer col, int n0, int count, ConvGeometry g, FloatBuffer dx, Parallel par) {
    int plane = g.outputPlane();
    par.forEach(
        count,
        (i, s) -> {
          for (int c = 0; c < g.c(); c++) {
            col2imChannel(col, n0 + i, c, g, dx, count * plane, i * plane, s);
          }
        });
  }

  /**
   * Moves between the image-major layout {@code [count, K, plane]} at image {@code n0} of {@code
   * images} and the channel-major {@code [K, count*plane]} of a batched product in {@code wide}:
   * {@code toImages} scatters the product into the images, otherwise the images are gathered.
   */
  static void transposeBatch(
      FloatBuffer images,
      int n0,
      int count,
      ConvGeometry g,
      FloatBuffer wide,
      boolean toImages,
      Parallel par) {
    int plane = g.outputPlane();
    int k = g.k();
    par.forEach(
        count,
        (i, s) -> {
          for (int ch = 0; ch < k; ch++) {
            int img = ((n0 + i) * k + ch) * plane;
            int w = ch * count * plane + i * plane;
            if (toImages) {
              images.put(img, wide, w, plane);
            } else {
              wide.put(w, images, img, plane);
            }
          }
        });
  }

  private static void im2colChannel(
      FloatBuffer x, int n, int c, ConvGeometry g, FloatBuffer col, int ld, int off, Scratch s) {
    Conv2dParams p = g.params();
    int h = g.h();
    int w = g.w();
    int oh = g.oh();
    int ow = g.ow();
    int plane = h * w;
    float[] img = s.image(0, plane);
    float[] row = s.image(1, oh * ow);
    x.get((n * g.c() + c) * plane, img, 0, plane);
    int sh = p.strideH();
    int sw = p.strideW();
    for (int i = 0; i < g.kh(); i++) {
      for (int j = 0; j < g.kw(); j++) {
        int dx = j * p.dilationW() - p.padW();
        // output columns whose input column ix = ox*sw + dx lies inside [0, w)
        int oxLo = Math.min(ow, dx >= 0 ? 0 : (-dx + sw - 1) / sw);
        int oxHi = Math.max(oxLo, Math.min(ow, w - dx <= 0 ? 0 : (w - dx - 1) / sw + 1));
        for (int oy = 0; oy < oh; oy++) {
          int iy = oy * sh - p.padH() + i * p.dilationH();
          int o = oy * ow;
          if (iy < 0 || iy >= h) {
            java.util.Arrays.fill(row, o, o + ow, 0f);
            continue;
          }
          for (int ox = 0; ox < oxLo; ox++) {
            row[o + ox] = 0f;
          }
          int base = iy * w + dx;
          if (sw == 1) {
            System.arraycopy(img, base + oxLo, row, o + oxLo, oxHi - oxLo);
          } else {
            for (int ox = oxLo; ox < oxHi; ox++) {
              row[o + ox] = img[base + ox * sw];
            }
          }
          for (int ox = oxHi; ox < ow; ox++) {
            row[o + ox] = 0f;
          }
        }
        col.put(((c * g.kh() + i) * g.kw() + j) * ld + off, row, 0, oh * ow);
      }
    }
  }

  /**
   * Adds the unrolled gradient {@code col} back onto image {@code n} of {@code dx}, overwriting
   * that image: the transpose of {@link #im2col}.
   */
  static void col2im(FloatBuffer col, int n, ConvGeometry g, FloatBuffer dx, Parallel par) {
    int per = channelsPerChunk(g);
    int chunks = (g.c() + per - 1) / per;
    par.forEach(
        chunks,
        (chunk, s) -> {
          for (int c = chunk * per, end = Math.min(g.c(), (chunk + 1) * per); c < end; c++) {
            col2imChannel(col, n, c, g, dx, g.outputPlane(), 0, s);
          }
        });
  }

  private static void col2imChannel(
      FloatBuffer col, int n, int c, ConvGeometry g, FloatBuffer dxb, int ld, int off, Scratch s) {
    Conv2dParams p = g.params();
    int h = g.h();
    int w = g.w();
    int oh = g.oh();
    int ow = g.ow();
    int plane = h * w;
    float[] acc = s.image(0, plane);
    float[] row = s.image(1, oh * ow);
    java.util.Arrays.fill(acc, 0, plane, 0f);
    int sh = p.strideH();
    int sw = p.strideW();
    for (int i = 0; i < g.kh(); i++) {
      for (int j = 0; j < g.kw(); j++) {
        col.get(((c * g.kh() + i) * g.kw() + j) * ld + off, row, 0, oh * ow);
        int dx = j * p.dilationW() - p.padW();
        int oxLo = dx >= 0 ? 0 : (-dx + sw - 1) / sw;
        int oxHi = Math.min(ow, w - dx <= 0 ? 0 : (w - dx - 1) / sw + 1);
        for (int oy = 0; oy < oh; oy++) {
          int iy = oy * sh - p.padH() + i * p.dilationH();
          if (iy < 0 || iy >= h) {
            continue;
          }
          int base = iy * w + dx;
          int o = oy * ow;
          if (sw == 1) {
            for (int ox = oxLo; ox < oxHi; ox++) {
              acc[base + ox] += row[o + ox];
            }
          } else {
            for (int ox = oxLo; ox < oxHi; ox++) {
              acc[base + ox * sw] += row[o + ox];
            }
          }
        }
      }
    }
    dxb.put((n * g.c() + c) * plane, acc, 0, plane);
  }

  /** {@code out[n, k, :, :] += bias[k]} for every image and channel. */
  static void addBias(FloatBuffer out, FloatBuffer bias, ConvGeometry g, Parallel par) {
    int plane = g.outputPlane();
    int planes = g.n() * g.k();
    int per = Math.max(1, (1 << 15) / plane);
    par.forEach(
        (planes + per - 1) / per,
        (chunk, s) -> {
          float[] v = s.image(0, plane);
          for (int pl = chunk * per, end = Math.min(planes, (chunk + 1) * per); pl < end; pl++) {
            float b = bias.get(pl % g.k());
            out.get(pl * plane, v, 0, plane);
            for (int q = 0; q < plane; q++) {
              v[q] += b;
            }
            out.put(pl * plane, v, 0, plane);
          }
        });
  }

  /**
   * The sum of {@code v[0, n)}: four float lanes (which the JIT keeps in registers), then double.
   */
  static double planeSum(float[] v, int n) {
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int q = 0;
    for (; q + 3 < n; q += 4) {
      s0 += v[q];
      s1 += v[q + 1];
      s2 += v[q + 2];
      s3 += v[q + 3];
    }
    double sum = (double) s0 + s1 + s2 + s3;
    for (; q < n; q++) {
      sum += v[q];
    }
    return sum;
  }

  /** {@code db[k] = beta * db[k] + sum over images and positions of gradOut[n, k]}. */
  static void biasGradient(
      FloatBuffer gradOut, ConvGeometry g, float beta, FloatBuffer db, Scratch s) {
    int plane = g.outputPlane();
    float[] v = s.image(0, plane);
    for (int k = 0; k < g.k(); k++) {
      double sum = 0;
      for (int n = 0; n < g.n(); n++) {
        gradOut.get((n * g.k() + k) * plane, v, 0, plane);
        sum += planeSum(v, plane);
      }
      db.put(k, (float) (beta == 0f ? sum : sum + beta * db.get(k)));
    }
  }
}
