package org.mtl4j.api.nn;

import java.io.Serializable;

/**
 * What flows between the layers of a {@link LayerStack}, per example: an image ({@code C x H x W},
 * activations {@code [N, C, H, W]}) or flat features (activations {@code [N, size]}).
 *
 * @param image the feature map's shape, or null for flat features
 * @param size values per example ({@code image.size()} for an image)
 */
public record LayerShape(FeatureShape image, int size) implements Serializable {
  public LayerShape {
    if (image != null && size != image.size()) {
      throw new IllegalArgumentException(
          "an image of shape " + image + " holds " + image.size() + " values, not " + size);
    }
    if (size < 1) {
      throw new IllegalArgumentException("a layer's input needs at least one value, got " + size);
    }
  }

  /** Flat features of the given width. */
  public static LayerShape flat(int size) {
    return new LayerShape(null, size);
  }

  /** An image of the given shape. */
  public static LayerShape image(FeatureShape shape) {
    return new LayerShape(shape, shape.size());
  }

  public boolean isImage() {
    return image != null;
  }

  @Override
  public String toString() {
    return image != null ? image.toString() : Integer.toString(size);
  }
}
