package org.mtl4j.api.backend;

/**
 * The geometry of a 2-D convolution besides its kernel size, which the weight tensor carries:
 * stride, zero padding and dilation, each per axis (height, width), as in PyTorch's {@code
 * torch.nn.functional.conv2d}. Convolutional layers of this kind go back to LeCun et al.,
 * "Gradient-based learning applied to document recognition", Proc. IEEE 1998; dilation is the
 * "atrous" spacing of Yu and Koltun, ICLR 2016.
 *
 * <p>For an input of height {@code H} and a kernel of height {@code kH} the output height is {@code
 * floor((H + 2 * padH - dilationH * (kH - 1) - 1) / strideH) + 1}, and likewise for the width; see
 * {@link #outputHeight} and {@link #outputWidth}.
 *
 * @param strideH vertical step between output positions, at least 1
 * @param strideW horizontal step between output positions, at least 1
 * @param padH zero rows added above and below the input, at least 0
 * @param padW zero columns added left and right of the input, at least 0
 * @param dilationH vertical spacing between kernel taps, at least 1 (1: a dense kernel)
 * @param dilationW horizontal spacing between kernel taps, at least 1
 */
public record Conv2dParams(
    int strideH, int strideW, int padH, int padW, int dilationH, int dilationW) {

  /** Stride 1, no padding, no dilation. */
  public static final Conv2dParams DEFAULT = new Conv2dParams(1, 1, 0, 0, 1, 1);

  public Conv2dParams {
    if (strideH < 1 || strideW < 1) {
      throw new IllegalArgumentException(
          "conv2d: stride must be at least 1, got (" + strideH + ", " + strideW + ")");
    }
    if (padH < 0 || padW < 0) {
      throw new IllegalArgumentException(
          "conv2d: padding must be at least 0, got (" + padH + ", " + padW + ")");
    }
    if (dilationH < 1 || dilationW < 1) {
      throw new IllegalArgumentException(
          "conv2d: dilation must be at least 1, got (" + dilationH + ", " + dilationW + ")");
    }
  }

  /** The same stride, padding and dilation on both axes. */
  public static Conv2dParams of(int stride, int padding, int dilation) {
    return new Conv2dParams(stride, stride, padding, padding, dilation, dilation);
  }

  /**
   * The output height for an input of height {@code h} and a kernel of height {@code kernelH}; zero
   * or negative when the (dilated) kernel does not fit into the padded input.
   */
  public int outputHeight(int h, int kernelH) {
    return outputSize(h, kernelH, strideH, padH, dilationH);
  }

  /** The output width; see {@link #outputHeight}. */
  public int outputWidth(int w, int kernelW) {
    return outputSize(w, kernelW, strideW, padW, dilationW);
  }

  static int outputSize(int in, int kernel, int stride, int pad, int dilation) {
    long span = (long) dilation * (kernel - 1) + 1;
    long room = (long) in + 2L * pad - span;
    return room < 0 ? 0 : (int) (room / stride + 1);
  }
}
