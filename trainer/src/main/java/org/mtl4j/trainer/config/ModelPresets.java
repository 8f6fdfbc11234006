package org.mtl4j.trainer.config;

import java.util.List;
import java.util.Map;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.LayerSpec;

/**
 * Named architectures for {@code model.preset}: a trunk and a tower layer list each. A preset only
 * fills {@code model.trunk} and {@code model.tower}; either given in the config replaces the
 * preset's.
 *
 * <ul>
 *   <li>{@code lenet}: the multi-task LeNet of Sener and Koltun, "Multi-task learning as
 *       multi-objective optimization", NeurIPS 2018 ({@code MultiLeNetR}/{@code MultiLeNetO} of
 *       github.com/intel-isl/MultiObjectiveOptimization): conv 5x5 to 10 channels, max pool 2,
 *       ReLU, conv 5x5 to 20, max pool 2, ReLU, flatten, linear 50, ReLU; each tower linear 50,
 *       ReLU, then the task's output layer. Two departures from their code: no dropout (they drop
 *       whole channels after the second convolution and units in the towers with p = 0.5, with
 *       masks shared by the tasks), and the input is used at its size (their loader resizes the
 *       36x36 MultiMNIST composites to 28x28, so their linear layer reads 320 features; on 36x36
 *       MultiFashion it reads 20x6x6 = 720).
 *   <li>{@code resnet-small}: a small ResNet (He et al., "Deep residual learning for image
 *       recognition", CVPR 2016) for 28-36 pixel images: conv 3x3 to 16 (padding 1, no bias), batch
 *       norm, ReLU, residual blocks of 16, 32 (stride 2) and 64 (stride 2) channels, global average
 *       pooling; no tower layers (each task's output layer reads the 64 pooled channels).
 * </ul>
 */
public final class ModelPresets {
  /** A preset's layer lists. */
  public record Preset(List<LayerSpec> trunk, List<LayerSpec> tower) {}

  private static final LayerSpec RELU = new LayerSpec.Act(Activation.RELU);

  private static final Map<String, Preset> PRESETS =
      Map.of(
          "lenet",
          new Preset(
              List.of(
                  new LayerSpec.Conv(10, 5),
                  new LayerSpec.Pool(LayerSpec.PoolKind.MAX, 2),
                  RELU,
                  new LayerSpec.Conv(20, 5),
                  new LayerSpec.Pool(LayerSpec.PoolKind.MAX, 2),
                  RELU,
                  new LayerSpec.Flat(),
                  new LayerSpec.Dense(50),
                  RELU),
              List.of(new LayerSpec.Dense(50), RELU)),
          "resnet-small",
          new Preset(
              List.of(
                  new LayerSpec.Conv(16, 3, 1, 1, 1, false),
                  new LayerSpec.BatchNorm(),
                  RELU,
                  new LayerSpec.Residual(16, 1),
                  new LayerSpec.Residual(32, 2),
                  new LayerSpec.Residual(64, 2),
                  new LayerSpec.GlobalPool()),
              List.of()));

  private ModelPresets() {}

  /** The preset names, sorted. */
  public static List<String> names() {
    return PRESETS.keySet().stream().sorted().toList();
  }

  /** The named preset, or null when there is none of that name. */
  public static Preset get(String name) {
    return PRESETS.get(name);
  }
}
