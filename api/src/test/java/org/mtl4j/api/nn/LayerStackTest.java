package org.mtl4j.api.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.nn.LayerSpec.Act;
import org.mtl4j.api.nn.LayerSpec.Conv;
import org.mtl4j.api.nn.LayerSpec.Dense;
import org.mtl4j.api.nn.LayerSpec.Flat;
import org.mtl4j.api.nn.LayerSpec.Pool;
import org.mtl4j.api.nn.LayerSpec.PoolKind;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

/** Shape rules, messages, names and the forward pass of layer lists. */
class LayerStackTest {
  private static final ReferenceBackend B = new ReferenceBackend();
  private static final Act RELU = new Act(Activation.RELU);

  /** The MultiMNIST LeNet trunk of Sener and Koltun (2018) on 36x36 composites. */
  static final List<LayerSpec> LENET =
      List.of(
          new Conv(10, 5),
          new Pool(PoolKind.MAX, 2),
          RELU,
          new Conv(20, 5),
          new Pool(PoolKind.MAX, 2),
          RELU,
          new Flat(),
          new Dense(50),
          RELU);

  @AfterAll
  static void close() {
    B.close();
  }

  @Test
  void lenetShapesFollowTheLayers() {
    List<LayerShape> s = LayerStack.shapes(LENET, LayerShape.image(new FeatureShape(1, 36, 36)));
    assertEquals("10x32x32", s.get(0).toString());
    assertEquals("10x16x16", s.get(1).toString());
    assertEquals("20x12x12", s.get(3).toString());
    assertEquals("20x6x6", s.get(4).toString());
    assertEquals(LayerShape.flat(720), s.get(6));
    assertEquals(LayerShape.flat(50), s.get(8));
    assertEquals(
        new FeatureShape(64, 4, 4),
        LayerStack.outputShape(
                List.of(new LayerSpec.Residual(64, 2)),
                LayerShape.image(new FeatureShape(32, 8, 8)))
            .image());
    assertEquals(
        new FeatureShape(3, 4, 3),
        LayerStack.outputShape(
                List.of(new Pool(PoolKind.AVG, 3, 2, 1)),
                LayerShape.image(new FeatureShape(3, 7, 6)))
            .image());
  }

  @Test
  void aListThatDoesNotFitNamesTheLayerAndBothShapes() {
    LayerShape small = LayerShape.image(new FeatureShape(1, 8, 8));
    LayerStack.ShapeException e =
        assertThrows(LayerStack.ShapeException.class, () -> LayerStack.shapes(LENET, small));
    assertEquals(3, e.index());
    assertEquals(
        "layer 3 (conv 5x5 -> 20): the kernel spans 5x5 but the input 10x2x2 padded by 0 is only"
            + " 2x2",
        e.getMessage());
    e =
        assertThrows(
            LayerStack.ShapeException.class,
            () ->
                LayerStack.shapes(
                    List.of(new Conv(4, 3), new Dense(10)),
                    LayerShape.image(new FeatureShape(3, 5, 5))));
    assertEquals(1, e.index());
    assertTrue(e.getMessage().contains("image 4x3x3") && e.getMessage().contains("flatten"));
    e =
        assertThrows(
            LayerStack.ShapeException.class,
            () -> LayerStack.shapes(List.of(new Conv(4, 3)), LayerShape.flat(30)));
    assertEquals(
        "layer 0 (conv 3x3 -> 4): the input is 30 flat features, but this layer"
            + " needs an image",
        e.getMessage());
    e =
        assertThrows(
            LayerStack.ShapeException.class,
            () ->
                LayerStack.shapes(
                    List.of(new Pool(PoolKind.MAX, 4)),
                    LayerShape.image(new FeatureShape(2, 3, 9))));
    assertTrue(e.getMessage().contains("4x4 window does not fit the input 2x3x9"), e.getMessage());
  }

  @Test
  void buildNamesParametersLikeSequentialAndReadsImageRows() {
    LayerShape in = LayerShape.image(new FeatureShape(1, 12, 12));
    List<LayerSpec> layers =
        List.of(
            new Conv(3, 3),
            new LayerSpec.BatchNorm(),
            RELU,
            new Pool(PoolKind.MAX, 2),
            new Flat(),
            new Dense(4));
    try (Sequential net = LayerStack.build(B, "trunk", layers, in, WeightInit.DEFAULT, 7L, 1f);
        TensorScope scope = B.openScope()) {
      assertEquals(
          List.of(
              "trunk.0.weight",
              "trunk.0.bias",
              "trunk.1.gamma",
              "trunk.1.beta",
              "trunk.5.weight",
              "trunk.5.bias"),
          net.parameters().stream().map(Parameter::name).toList());
      assertEquals(2, net.buffers().size());
      float[] x = new float[2 * 144];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) Math.sin(0.37 * i);
      }
      Graph g = new Graph(B, 1);
      Var rows = g.constant(B.fromHost(Shape.matrix(2, 144), x));
      Var images = g.constant(B.fromHost(Shape.of(2, 1, 12, 12), x));
      Tensor a = net.forward(g, rows, Mode.EVAL).value();
      Tensor b = net.forward(g, images, Mode.EVAL).value();
      assertEquals(Shape.matrix(2, 4), a.shape());
      assertArrayEquals(B.toHost(b), B.toHost(a));
      IllegalArgumentException wrong =
          assertThrows(
              IllegalArgumentException.class,
              () -> net.forward(g, g.constant(B.zeros(Shape.matrix(2, 100))), Mode.EVAL));
      assertTrue(wrong.getMessage().contains("[N, 144]"), wrong.getMessage());
    }
  }

  @Test
  void pytorchInitDrawsConvBiasesFromTheFanIn() {
    try (Sequential net =
        LayerStack.build(
            B,
            "c",
            List.of(new Conv(8, 3)),
            LayerShape.image(new FeatureShape(2, 5, 5)),
            WeightInit.DEFAULT,
            3L,
            1f)) {
      float bound = (float) (1 / Math.sqrt(2 * 9));
      float[] bias = B.toHost(net.parameters().get(1).value());
      float max = 0;
      for (float v : bias) {
        max = Math.max(max, Math.abs(v));
      }
      assertTrue(max > 0 && max <= bound, "bias within U(-1/sqrt(18), 1/sqrt(18)): " + max);
    }
  }

  @Test
  void networkSpecChecksItsLayerListsWhenMade() {
    FeatureShape img = new FeatureShape(1, 36, 36);
    NetworkSpec lenet =
        new NetworkSpec(
            1296,
            List.of(),
            List.of(),
            Activation.RELU,
            0,
            false,
            WeightInit.DEFAULT,
            img,
            LENET,
            List.of());
    assertEquals(50, lenet.representationSize());
    assertTrue(lenet.layered());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new NetworkSpec(
                    1296,
                    List.of(),
                    List.of(),
                    Activation.RELU,
                    0,
                    false,
                    WeightInit.DEFAULT,
                    img,
                    List.of(new Conv(4, 5)),
                    List.of()));
    assertTrue(e.getMessage().contains("ends in the image 4x32x32"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new NetworkSpec(
                    1000,
                    List.of(),
                    List.of(),
                    Activation.RELU,
                    0,
                    false,
                    WeightInit.DEFAULT,
                    img,
                    LENET,
                    List.of()));
    assertTrue(e.getMessage().contains("1296 values per example"), e.getMessage());
  }
}
