package org.mtl4j.api.nn;

/**
 * The shape of one example's feature map between image layers: {@code channels x height x width}
 * (the batch dimension is left out; activations are {@code [N, channels, height, width]}, NCHW).
 */
public record FeatureShape(int channels, int height, int width) implements java.io.Serializable {
  public FeatureShape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "a feature map needs positive sizes, got " + channels + "x" + height + "x" + width);
    }
  }

  /**
   * The per-example shape of the image batch {@code x} ({@code [N, C, H, W]}).
   *
   * @throws IllegalArgumentException naming {@code layer} when {@code x} is not rank 4
   */
  public static FeatureShape of(org.mtl4j.api.tensor.Shape x, String layer) {
    if (x.rank() != 4) {
      throw new IllegalArgumentException(
          layer + ": input is " + x + " but must be an image batch [N, C, H, W]");
    }
    return new FeatureShape(x.dim(1), x.dim(2), x.dim(3));
  }

  /** Values per example: {@code channels * height * width}. */
  public int size() {
    return channels * height * width;
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}
