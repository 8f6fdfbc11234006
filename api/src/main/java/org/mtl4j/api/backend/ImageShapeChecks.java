package org.mtl4j.api.backend;

import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * The shape rules of the image primitives of {@link ComputeBackend} (convolution, pooling, batch
 * normalisation on NCHW tensors), with the error messages every backend gives: each rule throws
 * {@link IllegalArgumentException} naming the operation, the tensor and the shapes, and the
 * geometry rules return the sizes an implementation loops over. {@link OpChecks} composes them into
 * one check per operation; layers use {@link #convOutput} and {@link #poolOutput} to size outputs.
 */
public final class ImageShapeChecks {
  private ImageShapeChecks() {}

  /**
   * The sizes of one convolution: batch {@code n}, input channels {@code c}, input height and width
   * {@code h, w}, output channels {@code k}, kernel {@code kh x kw}, output {@code oh x ow}.
   */
  public record ConvGeometry(
      int n, int c, int h, int w, int k, int kh, int kw, int oh, int ow, Conv2dParams params) {

    /** Rows of the im2col matrix: {@code c * kh * kw}. */
    public int patchSize() {
      return c * kh * kw;
    }

    /** Output positions per image: {@code oh * ow}. */
    public int outputPlane() {
      return oh * ow;
    }
  }

  /** The sizes of one pooling: {@code n x c} planes of {@code h x w} pooled to {@code oh x ow}. */
  public record PoolGeometry(int n, int c, int h, int w, int oh, int ow, Pool2dParams params) {}

  /** Largest input plane whose positions a float index holds exactly (2^24). */
  public static final int MAX_INDEXED_PLANE = 1 << 24;

  /** Checks that {@code t} is a rank-4 NCHW tensor. */
  public static void nchw(String op, Tensor t, String name) {
    if (t == null) {
      throw ShapeChecks.error(op, name + " must not be null");
    }
    if (t.shape().rank() != 4) {
      throw ShapeChecks.error(
          op, name + " is " + t.shape() + " but must be a rank-4 [N, C, H, W] tensor");
    }
  }

  /** Checks that {@code t} has exactly the dimensions of {@code expected}. */
  public static void dimsAre(String op, Tensor t, String name, Shape expected) {
    if (t == null) {
      throw ShapeChecks.error(op, name + " must not be null");
    }
    if (!t.shape().equals(expected)) {
      throw ShapeChecks.error(op, name + " is " + t.shape() + " but must be " + expected);
    }
  }

  /** Checks that {@code t} holds one value per channel: {@code [C]} or {@code [1, C]}. */
  public static void perChannel(String op, Tensor t, String name, int channels) {
    if (t == null) {
      throw ShapeChecks.error(op, name + " must not be null");
    }
    if (t.shape().rows() != 1 || t.shape().cols() != channels) {
      throw ShapeChecks.error(
          op,
          name
              + " is "
              + t.shape()
              + " but must hold one value per channel: ["
              + channels
              + "] or [1, "
              + channels
              + "]");
    }
  }

  /**
   * The output shape {@code [N, K, OH, OW]} of convolving the image batch {@code in} with {@code
   * weight}; the names are the roles of the two tensors in the calling operation, for the messages.
   */
  public static Shape convOutput(
      String op, Tensor in, String inName, Tensor weight, String weightName, Conv2dParams p) {
    if (p == null) {
      throw ShapeChecks.error(op, "params must not be null");
    }
    nchw(op, in, inName);
    nchw(op, weight, weightName);
    Shape xs = in.shape();
    Shape ws = weight.shape();
    int c = xs.dim(1);
    int h = xs.dim(2);
    int w = xs.dim(3);
    int kh = ws.dim(2);
    int kw = ws.dim(3);
    if (ws.dim(1) != c) {
      throw ShapeChecks.error(
          op,
          weightName
              + " "
              + ws
              + " expects "
              + ws.dim(1)
              + " input channels but "
              + inName
              + " "
              + xs
              + " has "
              + c);
    }
    int oh = p.outputHeight(h, kh);
    int ow = p.outputWidth(w, kw);
    if (oh < 1 || ow < 1) {
      throw ShapeChecks.error(
          op,
          "kernel "
              + kh
              + "x"
              + kw
              + " with "
              + p
              + " does not fit "
              + inName
              + " "
              + xs
              + " (the dilated kernel is larger than the padded "
              + h
              + "x"
              + w
              + " image)");
    }
    return Shape.of(xs.dim(0), ws.dim(0), oh, ow);
  }

  /**
   * The geometry of a convolution of the image batch {@code in} with {@code weight} giving {@code
   * out}; the names are the roles of the three tensors in the calling operation, for the messages.
   */
  public static ConvGeometry conv(
      String op,
      Tensor in,
      String inName,
      Tensor weight,
      String weightName,
      Tensor out,
      String outName,
      Conv2dParams p) {
    Shape os = convOutput(op, in, inName, weight, weightName, p);
    dimsAre(op, out, outName, os);
    Shape xs = in.shape();
    Shape ws = weight.shape();
    return new ConvGeometry(
        xs.dim(0), xs.dim(1), xs.dim(2), xs.dim(3), ws.dim(0), ws.dim(2), ws.dim(3), os.dim(2),
        os.dim(3), p);
  }

  /** The output shape {@code [N, C, OH, OW]} of pooling the image batch {@code in}. */
  public static Shape poolOutput(String op, Tensor in, String inName, Pool2dParams p) {
    if (p == null) {
      throw ShapeChecks.error(op, "params must not be null");
    }
    nchw(op, in, inName);
    Shape xs = in.shape();
    int oh = p.outputHeight(xs.dim(2));
    int ow = p.outputWidth(xs.dim(3));
    if (oh < 1 || ow < 1) {
      throw ShapeChecks.error(
          op,
          "window "
              + p.kernelH()
              + "x"
              + p.kernelW()
              + " with "
              + p
              + " does not fit "
              + inName
              + " "
              + xs);
    }
    return Shape.of(xs.dim(0), xs.dim(1), oh, ow);
  }

  /**
   * The geometry of a pooling of {@code in} into {@code out}: both NCHW with the same {@code N, C}
   * and the output size the window gives.
   */
  public static PoolGeometry pool(
      String op, Tensor in, String inName, Pool2dParams p, Tensor out, String outName) {
    Shape os = poolOutput(op, in, inName, p);
    dimsAre(op, out, outName, os);
    Shape xs = in.shape();
    return new PoolGeometry(xs.dim(0), xs.dim(1), xs.dim(2), xs.dim(3), os.dim(2), os.dim(3), p);
  }

  /** Checks that an NCHW plane of {@code t} has at most {@link #MAX_INDEXED_PLANE} positions. */
  static void planeIndexable(String op, Tensor t, String name) {
    if ((long) t.shape().dim(2) * t.shape().dim(3) > MAX_INDEXED_PLANE) {
      throw ShapeChecks.error(
          op,
          name
              + " "
              + t.shape()
              + " has more than 2^24 positions per plane, which float indices cannot hold");
    }
  }

  /**
   * The shapes of a global average pooling of the image batch {@code x} into the {@code [N, C]}
   * matrix {@code out} (or of its gradient, with the roles named by {@code xName} and {@code
   * oName}); returns {@code {N, C, H, W}}.
   */
  static int[] globalAvgPool(String op, Tensor x, String xName, Tensor out, String oName) {
    nchw(op, x, xName);
    int n = x.shape().dim(0);
    int c = x.shape().dim(1);
    if (out == null) {
      throw ShapeChecks.error(op, oName + " must not be null");
    }
    if (out.shape().rank() != 2 || out.shape().rows() != n || out.shape().cols() != c) {
      throw ShapeChecks.error(
          op, oName + " is " + out.shape() + " but must be [" + n + ", " + c + "]");
    }
    return x.shape().dims();
  }

  /** Checks that {@code x} is NCHW and returns {@code {N, C, H, W}}. */
  static int[] image(String op, Tensor x, String xName) {
    nchw(op, x, xName);
    return x.shape().dims();
  }

  /** Checks a batch-norm epsilon: positive and finite. */
  static void epsilon(String op, float eps) {
    if (!(eps > 0f) || Float.isInfinite(eps)) {
      throw ShapeChecks.error(op, "eps must be a positive finite number, got " + eps);
    }
  }
}
