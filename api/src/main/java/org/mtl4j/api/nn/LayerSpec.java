package org.mtl4j.api.nn;

import java.io.Serializable;
import java.util.Objects;

/**
 * One layer of a network described as a list, the way a config writes a trunk or a tower: {@code
 * conv}, {@code pool}, {@code gap} (global average pooling), {@code bn}, an activation, {@code
 * flatten}, {@code linear}, {@code dropout}, {@code residual}. A list is checked against its input
 * and turned into modules by {@link LayerStack}; a spec holds sizes only, never the input's channel
 * count or width, which follow from the layers before it.
 *
 * <p>The layers are those of LeCun et al., "Gradient-based learning applied to document
 * recognition", 1998 (convolution, pooling), Ioffe and Szegedy, "Batch normalization", ICML 2015,
 * and He et al., "Deep residual learning for image recognition", CVPR 2016 (residual blocks).
 */
public sealed interface LayerSpec extends Serializable {

  /** A short description for messages, e.g. {@code conv 5x5 -> 10}. */
  String describe();

  /**
   * A square 2-D convolution ({@link Conv2d}).
   *
   * @param channels output channels
   * @param kernel kernel height and width
   * @param stride stride on both axes
   * @param padding zero padding on every side
   * @param dilation spacing between kernel taps
   * @param bias whether the layer adds a per-channel bias (false before a batch norm)
   */
  record Conv(int channels, int kernel, int stride, int padding, int dilation, boolean bias)
      implements LayerSpec {
    public Conv {
      positive("conv channels", channels);
      positive("conv kernel", kernel);
      positive("conv stride", stride);
      positive("conv dilation", dilation);
      if (padding < 0) {
        throw new IllegalArgumentException("conv padding must be >= 0, got " + padding);
      }
    }

    /** A convolution with stride 1, no padding, no dilation and a bias. */
    public Conv(int channels, int kernel) {
      this(channels, kernel, 1, 0, 1, true);
    }

    @Override
    public String describe() {
      return "conv "
          + kernel
          + "x"
          + kernel
          + " -> "
          + channels
          + (stride != 1 ? ", stride " + stride : "")
          + (padding != 0 ? ", padding " + padding : "")
          + (dilation != 1 ? ", dilation " + dilation : "");
    }
  }

  /** Which statistic a pooling window takes. */
  enum PoolKind {
    MAX,
    AVG;

    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Max or average pooling over square windows ({@link MaxPool2d}, {@link AvgPool2d}).
   *
   * @param stride the window's step (PyTorch's default is the window size)
   */
  record Pool(PoolKind kind, int window, int stride, int padding) implements LayerSpec {
    public Pool {
      Objects.requireNonNull(kind, "kind");
      positive("pool window", window);
      positive("pool stride", stride);
      if (padding < 0 || 2 * padding > window) {
        throw new IllegalArgumentException(
            "pool padding must be in [0, window/2], got " + padding + " for window " + window);
      }
    }

    /** A {@code window x window} pooling with stride {@code window} and no padding. */
    public Pool(PoolKind kind, int window) {
      this(kind, window, window, 0);
    }

    @Override
    public String describe() {
      return kind.configName()
          + " pool "
          + window
          + "x"
          + window
          + (stride != window ? ", stride " + stride : "")
          + (padding != 0 ? ", padding " + padding : "");
    }
  }

  /** Global average pooling: {@code [N, C, H, W]} to {@code [N, C]} ({@link GlobalAvgPool2d}). */
  record GlobalPool() implements LayerSpec {
    @Override
    public String describe() {
      return "global average pool";
    }
  }

  /** Batch normalisation over the channels of an image batch ({@link BatchNorm2d}). */
  record BatchNorm() implements LayerSpec {
    @Override
    public String describe() {
      return "batch norm";
    }
  }

  /** An element-wise non-linearity, on images or features. */
  record Act(Activation activation) implements LayerSpec {
    public Act {
      Objects.requireNonNull(activation, "activation");
    }

    @Override
    public String describe() {
      return activation.configName();
    }
  }

  /** {@code [N, C, H, W]} to {@code [N, C*H*W]} in NCHW order ({@link Flatten}). */
  record Flat() implements LayerSpec {
    @Override
    public String describe() {
      return "flatten";
    }
  }

  /** A fully connected layer with bias over flat features ({@link Linear}). */
  record Dense(int units) implements LayerSpec {
    public Dense {
      positive("linear units", units);
    }

    @Override
    public String describe() {
      return "linear -> " + units;
    }
  }

  /** Inverted dropout, on images or features ({@link Dropout}). */
  record Drop(double rate) implements LayerSpec {
    public Drop {
      if (!(rate >= 0 && rate < 1)) {
        throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + rate);
      }
    }

    @Override
    public String describe() {
      return "dropout " + rate;
    }
  }

  /**
   * A basic residual block ({@link ResidualBlock}): two 3x3 convolutions with batch norm, a
   * projection shortcut where the channels or the resolution change.
   */
  record Residual(int channels, int stride) implements LayerSpec {
    public Residual {
      positive("residual channels", channels);
      positive("residual stride", stride);
    }

    @Override
    public String describe() {
      return "residual -> " + channels + (stride != 1 ? ", stride " + stride : "");
    }
  }

  private static void positive(String what, int v) {
    if (v < 1) {
      throw new IllegalArgumentException(what + " must be positive, got " + v);
    }
  }
}
