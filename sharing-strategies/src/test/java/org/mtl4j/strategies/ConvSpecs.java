package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.WeightInit;
import org.mtl4j.api.sharing.NetworkSpec;

/** Small convolutional specs for the strategy tests: tanh (smooth, for gradient checks). */
final class ConvSpecs {
  private ConvSpecs() {}

  static final LayerSpec TANH = new LayerSpec.Act(Activation.TANH);

  /**
   * A 2x7x6 image through {@code conv 3x3 (padding 1, no bias), bn, tanh, max pool 2} (block 0,
   * 3x3x3) and {@code conv 2x2, tanh, flatten, linear 5, tanh} (block 1, 5 features); towers of one
   * hidden layer (3).
   */
  static NetworkSpec lenetLike() {
    return spec(
        new FeatureShape(2, 7, 6),
        List.of(
            new LayerSpec.Conv(3, 3, 1, 1, 1, false),
            new LayerSpec.BatchNorm(),
            TANH,
            new LayerSpec.Pool(LayerSpec.PoolKind.MAX, 2),
            new LayerSpec.Conv(4, 2),
            TANH,
            new LayerSpec.Flat(),
            new LayerSpec.Dense(5),
            TANH),
        List.of(3),
        List.of());
  }

  /** {@link #lenetLike()} with dropout after each block (for the TRAIN-mode checks). */
  static NetworkSpec lenetLikeWithDropout() {
    NetworkSpec s = lenetLike();
    List<LayerSpec> trunk = new ArrayList<>(s.trunk());
    trunk.add(4, new LayerSpec.Drop(0.25));
    trunk.add(new LayerSpec.Drop(0.25));
    return spec(s.inputImage(), trunk, s.towerHidden(), List.of());
  }

  /**
   * A 1x8x8 image through {@code conv 3x3 (padding 1), bn, tanh, residual -> 4 stride 2, gap}, and
   * towers given as layer lists ({@code linear 3, tanh}).
   */
  static NetworkSpec residual() {
    return spec(
        new FeatureShape(1, 8, 8),
        List.of(
            new LayerSpec.Conv(3, 3, 1, 1, 1, false),
            new LayerSpec.BatchNorm(),
            TANH,
            new LayerSpec.Residual(4, 2),
            new LayerSpec.GlobalPool()),
        List.of(),
        List.of(new LayerSpec.Dense(3), TANH));
  }

  /**
   * A trunk that ends in an image ({@code conv 3x3 -> 3, bn, tanh, avg pool 2} over 1x8x8: 3x3x3)
   * read by convolutional towers ({@code conv 2x2 -> 2, tanh, flatten}).
   */
  static NetworkSpec imageRepresentation() {
    return spec(
        new FeatureShape(1, 8, 8),
        List.of(
            new LayerSpec.Conv(3, 3),
            new LayerSpec.BatchNorm(),
            TANH,
            new LayerSpec.Pool(LayerSpec.PoolKind.AVG, 2)),
        List.of(),
        List.of(new LayerSpec.Conv(2, 2), TANH, new LayerSpec.Flat()));
  }

  static NetworkSpec spec(
      FeatureShape image, List<LayerSpec> trunk, List<Integer> towerHidden, List<LayerSpec> tower) {
    return new NetworkSpec(
        image.size(),
        List.of(),
        towerHidden,
        Activation.TANH,
        0.0,
        false,
        WeightInit.DEFAULT,
        image,
        trunk,
        tower);
  }
}
