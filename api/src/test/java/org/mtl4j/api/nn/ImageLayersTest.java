package org.mtl4j.api.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

/** Shapes, names, buffers and modes of the image layers. */
class ImageLayersTest {
  private static final ReferenceBackend B = new ReferenceBackend();

  @AfterAll
  static void close() {
    B.close();
  }

  @Test
  void shapeRulesAndMessagesNameTheLayer() {
    try (Conv2d conv =
        new Conv2d(
            B, "trunk.0", 1, 20, 5, 5, Conv2dParams.DEFAULT, true, Init.HE_UNIFORM, 1L, 1f)) {
      FeatureShape s = conv.outputShape(new FeatureShape(1, 28, 28));
      assertEquals(new FeatureShape(20, 24, 24), s);
      assertEquals(
          new FeatureShape(20, 12, 12),
          new MaxPool2d("trunk.1", Pool2dParams.of(2)).outputShape(s));
      IllegalArgumentException tooSmall =
          assertThrows(
              IllegalArgumentException.class, () -> conv.outputShape(new FeatureShape(1, 4, 9)));
      assertTrue(tooSmall.getMessage().contains("trunk.0"), tooSmall.getMessage());
      assertTrue(tooSmall.getMessage().contains("1x4x9"), tooSmall.getMessage());
      IllegalArgumentException channels =
          assertThrows(
              IllegalArgumentException.class, () -> conv.outputShape(new FeatureShape(3, 28, 28)));
      assertTrue(channels.getMessage().contains("3 channels, expected 1"), channels.getMessage());
      assertEquals(List.of("trunk.0.weight", "trunk.0.bias"), names(conv.parameters()));
      assertEquals(Shape.of(20, 1, 5, 5), conv.weight().shape());
    }
    IllegalArgumentException window =
        assertThrows(
            IllegalArgumentException.class,
            () -> new AvgPool2d("p", Pool2dParams.of(3)).outputShape(new FeatureShape(2, 2, 5)));
    assertTrue(window.getMessage().startsWith("p: "), window.getMessage());
    assertEquals(
        new FeatureShape(2, 3, 3),
        new AvgPool2d("p", Pool2dParams.of(3, 2, 1)).outputShape(new FeatureShape(2, 5, 6)));
  }

  @Test
  void forwardRejectsAnInputOfTheWrongShapeNamingTheLayer() {
    try (TensorScope s = B.openScope();
        BatchNorm2d bn = new BatchNorm2d(B, "bn", 3)) {
      Graph g = new Graph(B, 1);
      Var matrix = g.constant(B.zeros(Shape.matrix(2, 12)));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> bn.forward(g, matrix, Mode.TRAIN));
      assertTrue(e.getMessage().contains("bn: input is [2, 12]"), e.getMessage());
      Flatten flat = new Flatten("flat", new FeatureShape(3, 2, 2));
      Var wrong = g.constant(B.zeros(Shape.of(2, 3, 2, 3)));
      e = assertThrows(IllegalArgumentException.class, () -> flat.forward(g, wrong, Mode.EVAL));
      assertTrue(e.getMessage().contains("expected 3x2x2"), e.getMessage());
    }
  }

  @Test
  void batchNormUpdatesRunningStatisticsOnlyInTrainingAndNormalisesWithThemInEvaluation() {
    try (TensorScope s = B.openScope();
        BatchNorm2d bn = new BatchNorm2d(B, "trunk.1", 2, 1e-5f, 0.5f)) {
      assertEquals(List.of("trunk.1.gamma", "trunk.1.beta"), names(bn.parameters()));
      assertEquals(
          List.of("trunk.1.running_mean", "trunk.1.running_var"),
          bn.buffers().stream().map(Buffer::name).toList());
      for (Parameter p : bn.parameters()) {
        assertFalse(p.decay(), p.name() + " is not weight-decayed");
      }
      // channel 0 holds 1..4, channel 1 holds 10 everywhere; batch 2 of 1x2 planes
      Tensor x = B.fromHost(Shape.of(2, 2, 1, 2), new float[] {1, 2, 10, 10, 3, 4, 10, 10});
      Graph g = new Graph(B, 1);
      bn.forward(g, g.constant(x), Mode.EVAL);
      assertArrayEquals(new float[] {0, 0}, B.toHost(bn.runningMean()));
      assertArrayEquals(new float[] {1, 1}, B.toHost(bn.runningVar()));
      Var y = bn.forward(g, g.constant(x), Mode.TRAIN);
      // batch mean 2.5 and 10; unbiased variance 5/3 and 0; momentum 0.5
      assertArrayEquals(new float[] {1.25f, 5f}, B.toHost(bn.runningMean()), 1e-6f);
      assertArrayEquals(new float[] {0.5f + 5f / 6f, 0.5f}, B.toHost(bn.runningVar()), 1e-6f);
      float[] out = B.toHost(y.value());
      float sd = (float) Math.sqrt(1.25 + 1e-5);
      assertEquals((1 - 2.5f) / sd, out[0], 1e-5f);
      assertEquals(0f, out[2], 1e-6f);
      Var e = bn.forward(g, g.constant(x), Mode.EVAL);
      float[] ev = B.toHost(e.value());
      assertEquals((1 - 1.25f) / (float) Math.sqrt(0.5 + 5.0 / 6 + 1e-5), ev[0], 1e-5f);
      assertEquals((10 - 5f) / (float) Math.sqrt(0.5 + 1e-5), ev[2], 1e-4f);
    }
  }

  @Test
  void residualBlocksProjectOnlyWhenTheShapeChanges() {
    try (ResidualBlock same = new ResidualBlock(B, "r", 4, 4, 1, 1L);
        ResidualBlock down = new ResidualBlock(B, "d", 4, 8, 2, 2L);
        ResidualBlock widen = new ResidualBlock(B, "w", 4, 8, 1, 3L)) {
      assertFalse(same.projects());
      assertTrue(down.projects());
      assertTrue(widen.projects());
      assertEquals(new FeatureShape(8, 5, 4), down.outputShape(new FeatureShape(4, 9, 7)));
      assertEquals(
          List.of(
              "d.conv1.weight",
              "d.bn1.gamma",
              "d.bn1.beta",
              "d.conv2.weight",
              "d.bn2.gamma",
              "d.bn2.beta",
              "d.shortcut.conv.weight",
              "d.shortcut.bn.gamma",
              "d.shortcut.bn.beta"),
          names(down.parameters()));
      assertEquals(6, down.buffers().size());
      assertEquals(4, same.buffers().size());
      try (TensorScope s = B.openScope()) {
        Graph g = new Graph(B, 1);
        Var y = down.forward(g, g.constant(B.zeros(Shape.of(2, 4, 9, 7))), Mode.TRAIN);
        assertEquals(Shape.of(2, 8, 5, 4), y.shape());
        for (float v : B.toHost(y.value())) {
          assertTrue(v >= 0f, "the block ends with a ReLU");
        }
      }
    }
  }

  @Test
  void sequentialCollectsParametersAndBuffersInOrderAndGlobalPoolingGivesAMatrix() {
    Conv2d c = new Conv2d(B, "c", 3, 2, 1, Conv2dParams.DEFAULT, 1L);
    BatchNorm2d bn = new BatchNorm2d(B, "bn", 2);
    GlobalAvgPool2d gap = new GlobalAvgPool2d("gap", 2);
    try (Sequential net = new Sequential(List.of(c, bn, gap));
        TensorScope s = B.openScope()) {
      assertEquals(List.of("c.weight", "c.bias", "bn.gamma", "bn.beta"), names(net.parameters()));
      assertEquals(2, net.buffers().size());
      assertEquals(2, net.outputSize());
      Graph g = new Graph(B, 1);
      Var y = net.forward(g, g.constant(B.zeros(Shape.of(5, 3, 4, 4))), Mode.EVAL);
      assertEquals(Shape.matrix(5, 2), y.shape());
    }
  }

  private static List<String> names(List<Parameter> ps) {
    return ps.stream().map(Parameter::name).toList();
  }
}
