package org.mtl4j.api.backend;

/**
 * The window of a 2-D max or average pooling: kernel size, stride and padding per axis (height,
 * width), as in PyTorch's {@code max_pool2d} and {@code avg_pool2d} with {@code ceil_mode=False}.
 * Subsampling layers of this kind are those of LeCun et al., "Gradient-based learning applied to
 * document recognition", Proc. IEEE 1998.
 *
 * <p>The output height is {@code floor((H + 2 * padH - kernelH) / strideH) + 1}, and likewise for
 * the width. Max pooling pads with minus infinity (a padded position is never the maximum); average
 * pooling pads with zeros and always divides by {@code kernelH * kernelW} (PyTorch's default {@code
 * count_include_pad=True}). As in PyTorch, padding is at most half the kernel, so every window
 * overlaps the input.
 *
 * @param kernelH window height, at least 1
 * @param kernelW window width, at least 1
 * @param strideH vertical step between windows, at least 1
 * @param strideW horizontal step between windows, at least 1
 * @param padH rows added above and below, in {@code [0, kernelH / 2]}
 * @param padW columns added left and right, in {@code [0, kernelW / 2]}
 */
public record Pool2dParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW) {

  public Pool2dParams {
    if (kernelH < 1 || kernelW < 1) {
      throw new IllegalArgumentException(
          "pool2d: kernel must be at least 1, got (" + kernelH + ", " + kernelW + ")");
    }
    if (strideH < 1 || strideW < 1) {
      throw new IllegalArgumentException(
          "pool2d: stride must be at least 1, got (" + strideH + ", " + strideW + ")");
    }
    if (padH < 0 || padW < 0 || padH > kernelH / 2 || padW > kernelW / 2) {
      throw new IllegalArgumentException(
          "pool2d: padding ("
              + padH
              + ", "
              + padW
              + ") must be between 0 and half the kernel ("
              + kernelH
              + ", "
              + kernelW
              + ")");
    }
  }

  /** A square window of side {@code kernel} with the given stride and padding on both axes. */
  public static Pool2dParams of(int kernel, int stride, int padding) {
    return new Pool2dParams(kernel, kernel, stride, stride, padding, padding);
  }

  /** Non-overlapping square windows: kernel and stride {@code k}, no padding (LeNet's pooling). */
  public static Pool2dParams of(int k) {
    return of(k, k, 0);
  }

  /** The output height for an input of height {@code h}; zero when the window does not fit. */
  public int outputHeight(int h) {
    return Conv2dParams.outputSize(h, kernelH, strideH, padH, 1);
  }

  /** The output width for an input of width {@code w}; zero when the window does not fit. */
  public int outputWidth(int w) {
    return Conv2dParams.outputSize(w, kernelW, strideW, padW, 1);
  }
}
