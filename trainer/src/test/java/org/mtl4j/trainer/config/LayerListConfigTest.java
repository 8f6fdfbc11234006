package org.mtl4j.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.data.InputLayout;
import org.mtl4j.trainer.training.NetworkFactory;

/** {@code model.trunk}, {@code model.tower} as layer lists and {@code model.preset}. */
class LayerListConfigTest {
  private final ConfigReader reader = new ConfigReader(Mtl4j.plugins());
  private static final LayerSpec RELU = new LayerSpec.Act(Activation.RELU);

  private static String config(String model) {
    return """
           data: {source: multi-fashion}
           tasks:
             - {name: left, type: multiclass}
             - {name: right, type: multiclass}
           model: %s
           """
        .formatted(model);
  }

  private Mtl4jConfig read(String model) {
    return reader.parse(config(model), "t.yaml", "t");
  }

  private List<String> errors(String model) {
    return assertThrows(ConfigException.class, () -> read(model)).errors();
  }

  @Test
  void readsEveryLayerKindInItsCompactForm() {
    Mtl4jConfig c =
        read(
            """

  trunk:
    - conv: {channels: 16, kernel: 3, padding: 1, bias: false}
    - bn
    - relu
    - pool: 2
    - pool: {kind: avg, window: 3, stride: 1, padding: 1}
    - residual: 16
    - residual: {channels: 32, stride: 2}
    - dropout: 0.25
    - gap
    - linear: 40
    - gelu
    - linear: {units: 30}
  tower: [linear: 20, tanh, dropout: 0.5]
""");
    ModelConfig m = c.model();
    assertEquals(
        List.of(
            new LayerSpec.Conv(16, 3, 1, 1, 1, false),
            new LayerSpec.BatchNorm(),
            RELU,
            new LayerSpec.Pool(LayerSpec.PoolKind.MAX, 2),
            new LayerSpec.Pool(LayerSpec.PoolKind.AVG, 3, 1, 1),
            new LayerSpec.Residual(16, 1),
            new LayerSpec.Residual(32, 2),
            new LayerSpec.Drop(0.25),
            new LayerSpec.GlobalPool(),
            new LayerSpec.Dense(40),
            new LayerSpec.Act(Activation.GELU),
            new LayerSpec.Dense(30)),
        m.trunk());
    assertEquals(
        List.of(
            new LayerSpec.Dense(20), new LayerSpec.Act(Activation.TANH), new LayerSpec.Drop(0.5)),
        m.towerLayers());
    assertEquals(List.of(), m.hidden(), "a trunk replaces the default hidden sizes");
    assertEquals(List.of(), m.tower());
    assertNull(m.preset());
  }

  @Test
  void mlpConfigsAreUnchanged() {
    ModelConfig m = read("{hidden: [64, 32], tower: [16]}").model();
    assertEquals(List.of(64, 32), m.hidden());
    assertEquals(List.of(16), m.tower());
    assertEquals(List.of(), m.trunk());
    assertEquals(List.of(), m.towerLayers());
    assertEquals(List.of(256), read("{}").model().hidden());
  }

  @Test
  void lenetPresetIsSenerAndKoltunsNetworkWithoutDropout() {
    ModelConfig m = read("{preset: lenet}").model();
    assertEquals("lenet", m.preset());
    assertEquals(
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
        m.trunk());
    assertEquals(List.of(new LayerSpec.Dense(50), RELU), m.towerLayers());
    // on the 36x36 MultiFashion image: 10x32x32, 10x16x16, 20x12x12, 20x6x6 = 720 -> 50
    NetworkSpec spec = NetworkFactory.spec(m, InputLayout.image(new FeatureShape(1, 36, 36)));
    assertEquals(50, spec.representationSize());
    assertEquals(new FeatureShape(1, 36, 36), spec.inputImage());
  }

  @Test
  void aPresetTowerCanBeReplacedBySizesAndTheResNetFitsFashionMnist() {
    ModelConfig m = read("{preset: lenet, tower: [32]}").model();
    assertEquals(List.of(32), m.tower());
    assertEquals(List.of(), m.towerLayers());
    ModelConfig r = read("{preset: resnet-small}").model();
    NetworkSpec spec = NetworkFactory.spec(r, InputLayout.image(new FeatureShape(1, 28, 28)));
    assertEquals(64, spec.representationSize());
  }

  @Test
  void writerRoundTripsLayerListsAndPresets() {
    for (String model :
        List.of(
            "{preset: lenet}",
            "{preset: resnet-small, tower: [linear: 10, relu]}",
            "{trunk: [conv: {channels: 4, kernel: 3, stride: 2, dilation: 2}, "
                + "pool: {kind: avg, window: 2}, flatten, linear: 8, sigmoid], tower: [4]}",
            "{hidden: [32], tower: [linear: 10, identity]}")) {
      Mtl4jConfig c = read(model);
      String yaml = new ConfigWriter().toYaml(c);
      assertEquals(c, reader.parse(yaml, "w.yaml", "t"), model + " wrote:\n" + yaml);
    }
  }

  @Test
  void errorsNameThePathOfTheLayerAndTheSetting() {
    List<String> e =
        errors(
            """

  trunk:
    - conv: {channels: 10}
    - pool: {window: 2, kind: median}
    - conv: {channels: 4, kernel: 0}
    - linear: -3
    - dropout: 1.5
    - softmax
    - {relu: 3}
    - conv
    - [1, 2]
    - conv: {channels: 4, kernel: 3, size: 2}
""");
    assertTrue(e.contains("model.trunk[0].conv.kernel: is required"), e.toString());
    assertTrue(
        e.contains("model.trunk[1].pool.kind: 'median' is not one of max, avg"), e.toString());
    assertTrue(e.contains("model.trunk[2].conv.kernel: '0' is not in [1, 1048576]"), e.toString());
    assertTrue(
        e.contains("model.trunk[3].linear: '-3' is not a number of units >= 1"), e.toString());
    assertTrue(e.contains("model.trunk[4].dropout: '1.5' is not a rate in [0, 1)"), e.toString());
    assertTrue(
        e.get(5).startsWith("model.trunk[5]: 'softmax' is not a layer; expected one of conv,"));
    assertTrue(
        e.contains("model.trunk[6].relu: '3' given, but relu takes no settings"), e.toString());
    assertTrue(
        e.contains("model.trunk[7].conv: needs its settings, e.g. conv: {channels: 16, kernel: 3}"),
        e.toString());
    assertTrue(e.get(8).startsWith("model.trunk[8]: '[1,2]' is not a layer"), e.toString());
    assertTrue(e.get(9).startsWith("model.trunk[9].conv.size: unknown key"), e.toString());
    assertEquals(10, e.size(), e.toString());
  }

  @Test
  void hiddenSizesWithATrunkAndUnknownPresetsAreErrors() {
    assertEquals(
        List.of(
            "model.hidden: give the shared part either as hidden sizes or as a layer list"
                + " (model.trunk, here from model.preset lenet), not both"),
        errors("{preset: lenet, hidden: [64]}"));
    assertEquals(
        List.of("model.preset: 'vgg' is not one of lenet, resnet-small"), errors("{preset: vgg}"));
    assertEquals(List.of("model.trunk: needs at least one layer"), errors("{trunk: []}"));
  }

  @Test
  void aLayerListThatDoesNotFitTheInputNamesTheLayerAndBothShapes() {
    ModelConfig m =
        read("{trunk: [conv: {channels: 10, kernel: 5}, pool: 2, conv: {channels: 20,"
                + " kernel: 5}, pool: 2, conv: {channels: 20, kernel: 5}, flatten]}")
            .model();
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> NetworkFactory.spec(m, InputLayout.image(new FeatureShape(1, 28, 28))));
    assertEquals(
        List.of(
            "model.trunk[4] (conv 5x5 -> 20): does not fit its input 20x4x4 (the data's input"
                + " is 1x28x28): the kernel spans 5x5 but the input 20x4x4 padded by 0 is only"
                + " 4x4"),
        e.errors());
    ConfigException flat =
        assertThrows(ConfigException.class, () -> NetworkFactory.spec(m, InputLayout.dense(784)));
    assertTrue(
        flat.errors()
            .get(0)
            .startsWith("model.trunk[0] (conv 5x5 -> 10): does not fit its input 784 features"),
        flat.errors().toString());
    ModelConfig towerOnImage =
        read("{trunk: [conv: {channels: 2, kernel: 3}], tower: [linear: 5]}").model();
    ConfigException t =
        assertThrows(
            ConfigException.class,
            () -> NetworkFactory.spec(towerOnImage, InputLayout.image(new FeatureShape(1, 8, 8))));
    assertTrue(
        t.errors().get(0).startsWith("model.tower[0] (linear -> 5): does not fit its input 2x6x6"),
        t.errors().toString());
    ModelConfig endsInImage = read("{trunk: [conv: {channels: 2, kernel: 3}]}").model();
    ConfigException i =
        assertThrows(
            ConfigException.class,
            () -> NetworkFactory.spec(endsInImage, InputLayout.image(new FeatureShape(1, 8, 8))));
    assertEquals(
        List.of(
            "model.trunk: ends in the image 2x6x6 (input 1x8x8); end it with flatten or gap"
                + " before the tasks' output layers"),
        i.errors());
  }
}
