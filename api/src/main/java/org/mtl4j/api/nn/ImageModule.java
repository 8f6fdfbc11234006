package org.mtl4j.api.nn;

/**
 * A {@link Module} that maps an image batch {@code [N, C, H, W]} to another image batch. {@link
 * #outputShape} is the shape rule, so that a stack of layers can be checked before any tensor is
 * allocated. Every forward pass checks its input against it, so a mismatch names the layer.
 */
public interface ImageModule extends Module {

  /**
   * The per-example output shape for the per-example input shape {@code in}.
   *
   * @throws IllegalArgumentException naming the layer and both shapes when {@code in} does not fit
   *     (wrong channel count, a kernel larger than the padded feature map)
   */
  FeatureShape outputShape(FeatureShape in);

  /**
   * Not defined for image layers, whose output size depends on the input: use {@link #outputShape}.
   */
  @Override
  default int outputSize() {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + ": the output of an image layer is given by outputShape");
  }
}
