package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class HardSharingTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "hard";
  }

  @Test
  void trunkIsSharedTowersBelongToTheirTask() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net = build(b, Fixtures.SMALL, 1)) {
      assertEquals(
          List.of("trunk.0.weight", "trunk.0.bias", "trunk.1.weight", "trunk.1.bias"),
          net.sharedParameters().stream().map(p -> p.name()).toList());
      assertEquals(
          List.of(
              "tower.cls.0.weight",
              "tower.cls.0.bias",
              "tower.cls.out.weight",
              "tower.cls.out.bias"),
          net.taskParameters("cls").stream().map(p -> p.name()).toList());
      assertEquals("[3, 3]", net.taskParameters("cls").get(2).shape().toString());
      assertSame(net.sharedParameters().get(2), net.lastSharedWeight().orElseThrow());
      assertTrue(net.penalty(new Graph(b, 1)).isEmpty());
    }
  }

  @Test
  void representationIsTheTrunkOutput() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net = build(b, Fixtures.SMALL, 1);
        TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      NetworkOutput out = net.forward(g, g.constant(Fixtures.inputs(b, 2, 4, 1)), Mode.EVAL);
      assertEquals(3, out.representation().shape().cols());
    }
  }

  @Test
  void rejectsNoTrunkLayersNoTasksAndOptions() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      NetworkSpec flat = new NetworkSpec(4, List.of(), List.of(), Activation.RELU, 0, false);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Fixtures.build("hard", Map.of(), flat, Fixtures.TASKS, b, 1));
      assertTrue(e.getMessage().contains("spec.hidden"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Fixtures.build("hard", Map.of(), Fixtures.SMALL, List.of(), b, 1));
      assertTrue(e.getMessage().contains("at least 1 task"), e.getMessage());
      assertThrows(
          OptionsException.class,
          () -> Fixtures.build("hard", Map.of("experts", 2), Fixtures.SMALL, Fixtures.TASKS, b, 1));
    }
  }
}
