package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Mlp;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class CrossStitchTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "cross-stitch";
  }

  @Nested
  class PerChannel extends StrategyChecks {
    @Override
    String strategyName() {
      return "cross-stitch";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("granularity", "channel", "alpha_same", 0.7);
    }
  }

  @Test
  void unitsStartConvexWithTheirOwnLearningRateScale() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net = build(b, Fixtures.SMALL, 1)) {
      Parameter unit = Weights.named(net, "cross_stitch.0");
      assertEquals("[3, 3]", unit.shape().toString());
      assertArrayEquals(
          new float[] {0.9f, 0.05f, 0.05f, 0.05f, 0.9f, 0.05f, 0.05f, 0.05f, 0.9f},
          b.toHost(unit.value()),
          1e-7f);
      assertEquals(100f, unit.lrScale());
      assertSame(Weights.named(net, "cross_stitch.1"), net.lastSharedWeight().orElseThrow());
      assertEquals(
          List.of(
              "tower.reg.0.weight",
              "tower.reg.0.bias",
              "tower.reg.out.weight",
              "tower.reg.out.bias"),
          Weights.names(net.taskParameters("reg")));
      assertTrue(Weights.names(net.sharedParameters()).contains("column.cls.1.weight"));
    }
  }

  @Test
  void perChannelUnitsHoldOneMatrixPerHiddenUnit() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net =
            Fixtures.build(
                "cross-stitch",
                Map.of("granularity", "channel", "alpha_lr_scale", 1000),
                Fixtures.SMALL,
                Fixtures.TASKS,
                b,
                1)) {
      Parameter unit = Weights.named(net, "cross_stitch.1");
      assertEquals("[3, 9]", unit.shape().toString());
      float[] v = b.toHost(unit.value());
      // row 1 (task cls), block 1 (itself): α_same for each of the 3 hidden units
      assertArrayEquals(new float[] {0.9f, 0.9f, 0.9f}, Arrays.copyOfRange(v, 12, 15), 1e-7f);
      assertArrayEquals(new float[] {0.05f, 0.05f, 0.05f}, Arrays.copyOfRange(v, 15, 18), 1e-7f);
      assertEquals(1000f, unit.lrScale());
    }
  }

  /**
   * With α = I (alpha_same 1) every task's output equals an independently built column and tower
   * (plain MLPs of the same seeds); with the default α it does not.
   */
  @Test
  void identityUnitsEqualIndependentColumns() {
    NetworkSpec spec = new NetworkSpec(4, List.of(5, 3), List.of(3), Activation.RELU, 0.3, true);
    for (String granularity : List.of("unit", "channel")) {
      try (ReferenceBackend b = new ReferenceBackend();
          MultiTaskNetwork stitched =
              Fixtures.build(
                  "cross-stitch",
                  Map.of("alpha_same", 1.0, "granularity", granularity),
                  spec,
                  Fixtures.TASKS,
                  b,
                  42);
          MultiTaskNetwork mixed =
              Fixtures.build("cross-stitch", Map.of(), spec, Fixtures.TASKS, b, 42);
          TensorScope s = b.openScope()) {
        Tensor x = Fixtures.inputs(b, 6, 4, 5);
        Map<String, float[]> got = Weights.outputs(b, stitched, x);
        Map<String, float[]> other = Weights.outputs(b, mixed, x);
        for (int t = 0; t < Fixtures.TASKS.size(); t++) {
          Task task = Fixtures.TASKS.get(t);
          try (Mlp column =
                  new Mlp(
                      b,
                      "c",
                      4,
                      spec.hidden(),
                      0,
                      spec.activation(),
                      0.3f,
                      true,
                      Seeds.column(42, t),
                      1f);
              Mlp tower =
                  new Mlp(
                      b,
                      "t",
                      3,
                      spec.towerHidden(),
                      task.outputSize(),
                      spec.activation(),
                      0.3f,
                      true,
                      Seeds.tower(42, t),
                      1f)) {
            Graph g = new Graph(b, 1);
            float[] want =
                b.toHost(
                    tower
                        .forward(g, column.forward(g, g.constant(x), Mode.EVAL), Mode.EVAL)
                        .value());
            assertArrayEquals(want, got.get(task.name()), 1e-6f, granularity + " " + task.name());
            assertFalse(
                Arrays.equals(want, other.get(task.name())), "default α did not mix " + task);
          }
        }
      }
    }
  }

  @Test
  void rejectsBadOptionsAndSingleTask() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      OptionsException e =
          assertThrows(
              OptionsException.class,
              () ->
                  Fixtures.build(
                      "cross-stitch",
                      Map.of("alpha_same", 1.5),
                      Fixtures.SMALL,
                      Fixtures.TASKS,
                      b,
                      1));
      assertTrue(e.getMessage().contains("model.options.alpha_same"), e.getMessage());
      e =
          assertThrows(
              OptionsException.class,
              () ->
                  Fixtures.build(
                      "cross-stitch",
                      Map.of("alpha_lr_scale", 0),
                      Fixtures.SMALL,
                      Fixtures.TASKS,
                      b,
                      1));
      assertTrue(e.getMessage().contains("alpha_lr_scale"), e.getMessage());
      e =
          assertThrows(
              OptionsException.class,
              () ->
                  Fixtures.build(
                      "cross-stitch",
                      Map.of("granularity", "layer"),
                      Fixtures.SMALL,
                      Fixtures.TASKS,
                      b,
                      1));
      assertTrue(e.getMessage().contains("unit, channel"), e.getMessage());
      IllegalArgumentException single =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  Fixtures.build(
                      "cross-stitch",
                      Map.of(),
                      Fixtures.SMALL,
                      Fixtures.TASKS.subList(0, 1),
                      b,
                      1));
      assertTrue(single.getMessage().contains("at least 2 tasks"), single.getMessage());
    }
  }
}
