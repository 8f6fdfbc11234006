package org.mtl4j.api.backend;

import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * The shape rules of the image primitives of {@link ComputeBackend} (convolution, pooling, batch
 * normalisation on NCHW tensors), with the error messages every backend gives. Each check throws
 * {@link IllegalArgumentException} naming the operation, the tensor and the shapes, and returns the
 * geometry an implementation loops over.
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

  /** Checks that {@code t} has exactly the dimensions {@code dims}. */
  public static void dimsAre(String op, Tensor t, String name, int... dims) {
    if (t == null) {
      throw ShapeChecks.error(op, name + " must not be null");
    }
    Shape expected = Shape.of(dims);
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

  /** The arguments of {@link ComputeBackend#reshape}: the same number of elements. */
  public static void reshape(Tensor src, Tensor dst) {
    if (src.shape().size() != dst.shape().size()) {
      throw ShapeChecks.error(
          "reshape",
          "src "
              + src.shape()
              + " has "
              + src.shape().size()
              + " elements but dst "
              + dst.shape()
              + " has "
              + dst.shape().size());
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
    dimsAre(op, out, outName, os.dims());
    Shape xs = in.shape();
    Shape ws = weight.shape();
    return new ConvGeometry(
        xs.dim(0), xs.dim(1), xs.dim(2), xs.dim(3), ws.dim(0), ws.dim(2), ws.dim(3), os.dim(2),
        os.dim(3), p);
  }

  /** The arguments of {@link ComputeBackend#conv2d}. */
  public static ConvGeometry conv2d(
      Tensor x, Tensor weight, Tensor bias, Conv2dParams p, Tensor out) {
    ConvGeometry g = conv("conv2d", x, "x", weight, "weight", out, "out", p);
    if (bias != null) {
      perChannel("conv2d", bias, "bias", g.k());
    }
    return g;
  }

  /** The arguments of {@link ComputeBackend#conv2dBackwardInput}. */
  public static ConvGeometry conv2dBackwardInput(
      Tensor gradOut, Tensor weight, Conv2dParams p, Tensor gradIn) {
    return conv("conv2dBackwardInput", gradIn, "gradIn", weight, "weight", gradOut, "gradOut", p);
  }

  /** The arguments of {@link ComputeBackend#conv2dBackwardWeight}. */
  public static ConvGeometry conv2dBackwardWeight(
      Tensor x, Tensor gradOut, Conv2dParams p, Tensor gradWeight, Tensor gradBias) {
    ConvGeometry g =
        conv("conv2dBackwardWeight", x, "x", gradWeight, "gradWeight", gradOut, "gradOut", p);
    if (gradBias != null) {
      perChannel("conv2dBackwardWeight", gradBias, "gradBias", g.k());
    }
    return g;
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
    dimsAre(op, out, outName, os.dims());
    Shape xs = in.shape();
    return new PoolGeometry(xs.dim(0), xs.dim(1), xs.dim(2), xs.dim(3), os.dim(2), os.dim(3), p);
  }

  /** The arguments of {@link ComputeBackend#maxPool2d}. */
  public static PoolGeometry maxPool2d(Tensor x, Pool2dParams p, Tensor out, Tensor indices) {
    PoolGeometry g = pool("maxPool2d", x, "x", p, out, "out");
    planeIndexable("maxPool2d", x, "x");
    if (indices != null) {
      dimsAre("maxPool2d", indices, "indices", out.shape().dims());
    }
    return g;
  }

  /** The arguments of {@link ComputeBackend#maxPool2dBackward}; returns {@code {N, C, H, W}}. */
  public static int[] maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
    String op = "maxPool2dBackward";
    nchw(op, gradOut, "gradOut");
    nchw(op, gradIn, "gradIn");
    dimsAre(op, indices, "indices", gradOut.shape().dims());
    Shape gi = gradIn.shape();
    Shape go = gradOut.shape();
    if (gi.dim(0) != go.dim(0) || gi.dim(1) != go.dim(1)) {
      throw ShapeChecks.error(
          op, "gradOut " + go + " and gradIn " + gi + " must have the same N and C");
    }
    planeIndexable(op, gradIn, "gradIn");
    return gi.dims();
  }

  private static void planeIndexable(String op, Tensor t, String name) {
    if ((long) t.shape().dim(2) * t.shape().dim(3) > MAX_INDEXED_PLANE) {
      throw ShapeChecks.error(
          op,
          name
              + " "
              + t.shape()
              + " has more than 2^24 positions per plane, which float indices cannot hold");
    }
  }

  /** The arguments of {@link ComputeBackend#globalAvgPool2d}; returns {@code {N, C, H, W}}. */
  public static int[] globalAvgPool2d(String op, Tensor x, String xName, Tensor out, String oName) {
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

  private static int[] image(String op, Tensor x, String xName) {
    nchw(op, x, xName);
    return x.shape().dims();
  }

  private static void epsilon(String op, float eps) {
    if (!(eps > 0f) || Float.isInfinite(eps)) {
      throw ShapeChecks.error(op, "eps must be a positive finite number, got " + eps);
    }
  }

  /** The arguments of {@link ComputeBackend#batchNorm2dTraining}; returns {@code {N, C, H, W}}. */
  public static int[] batchNormTraining(
      Tensor x,
      Tensor gamma,
      Tensor beta,
      float eps,
      float momentum,
      Tensor runningMean,
      Tensor runningVar,
      Tensor out,
      Tensor saveMean,
      Tensor saveInvStd) {
    String op = "batchNorm2dTraining";
    int[] d = image(op, x, "x");
    dimsAre(op, out, "out", d);
    perChannel(op, gamma, "gamma", d[1]);
    perChannel(op, beta, "beta", d[1]);
    perChannel(op, saveMean, "saveMean", d[1]);
    perChannel(op, saveInvStd, "saveInvStd", d[1]);
    if ((runningMean == null) != (runningVar == null)) {
      throw ShapeChecks.error(op, "runningMean and runningVar must both be given or both be null");
    }
    if (runningMean != null) {
      perChannel(op, runningMean, "runningMean", d[1]);
      perChannel(op, runningVar, "runningVar", d[1]);
    }
    epsilon(op, eps);
    if (!(momentum >= 0f && momentum <= 1f)) {
      throw ShapeChecks.error(op, "momentum must be in [0, 1], got " + momentum);
    }
    if ((long) d[0] * d[2] * d[3] < 2) {
      throw ShapeChecks.error(
          op,
          "x "
              + x.shape()
              + " has one value per channel; batch statistics need at least 2 (N * H * W >= 2)");
    }
    return d;
  }

  /** The arguments of {@link ComputeBackend#batchNorm2dInference}; returns {@code {N, C, H, W}}. */
  public static int[] batchNormInference(
      Tensor x,
      Tensor gamma,
      Tensor beta,
      Tensor runningMean,
      Tensor runningVar,
      float eps,
      Tensor out) {
    String op = "batchNorm2dInference";
    int[] d = image(op, x, "x");
    dimsAre(op, out, "out", d);
    perChannel(op, gamma, "gamma", d[1]);
    perChannel(op, beta, "beta", d[1]);
    perChannel(op, runningMean, "runningMean", d[1]);
    perChannel(op, runningVar, "runningVar", d[1]);
    epsilon(op, eps);
    return d;
  }

  /** The arguments of {@link ComputeBackend#batchNorm2dBackward}; returns {@code {N, C, H, W}}. */
  public static int[] batchNormBackward(
      Tensor x,
      Tensor gradOut,
      Tensor gamma,
      Tensor mean,
      Tensor invStd,
      Tensor gradIn,
      Tensor gradGamma,
      Tensor gradBeta) {
    String op = "batchNorm2dBackward";
    int[] d = image(op, x, "x");
    dimsAre(op, gradOut, "gradOut", d);
    perChannel(op, gamma, "gamma", d[1]);
    perChannel(op, mean, "mean", d[1]);
    perChannel(op, invStd, "invStd", d[1]);
    if (gradIn != null) {
      dimsAre(op, gradIn, "gradIn", d);
    }
    if (gradGamma != null) {
      perChannel(op, gradGamma, "gradGamma", d[1]);
    }
    if (gradBeta != null) {
      perChannel(op, gradBeta, "gradBeta", d[1]);
    }
    return d;
  }
}
