package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class MmoeTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "mmoe";
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("experts", 3);
  }

  @Test
  void expertsAreSharedGatesAndTowersBelongToTheirTask() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net = build(b, Fixtures.SMALL, 1)) {
      assertEquals(12, net.sharedParameters().size());
      assertEquals("expert.2.1.bias", net.sharedParameters().get(11).name());
      assertEquals(
          List.of(
              "gate.bin.weight",
              "gate.bin.bias",
              "tower.bin.0.weight",
              "tower.bin.0.bias",
              "tower.bin.out.weight",
              "tower.bin.out.bias"),
          Weights.names(net.taskParameters("bin")));
      assertEquals("[4, 3]", net.taskParameters("bin").get(0).shape().toString());
      assertTrue(net.lastSharedWeight().isEmpty());
    }
  }

  @Test
  void representationConcatenatesTheExperts() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net = build(b, Fixtures.SMALL, 1);
        TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      var out = net.forward(g, g.constant(Fixtures.inputs(b, 2, 4, 1)), Mode.EVAL);
      assertEquals("[2, 9]", out.representation().shape().toString());
    }
  }

  /**
   * With one expert every gate is softmax over one logit = 1, so MMoE given the weights of a
   * shared-bottom network (expert = trunk, same towers) computes the same outputs and gradients.
   */
  @Test
  void oneExpertEqualsSharedBottom() {
    NetworkSpec spec = new NetworkSpec(4, List.of(6, 5), List.of(3), Activation.RELU, 0.2, true);
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork mmoe =
            Fixtures.build("mmoe", Map.of("experts", 1), spec, Fixtures.TASKS, b, 5);
        MultiTaskNetwork hard = Fixtures.build("hard", Map.of(), spec, Fixtures.TASKS, b, 99);
        TensorScope s = b.openScope()) {
      for (Parameter p : hard.parameters()) {
        String from =
            p.name().startsWith("trunk.") ? "expert.0." + p.name().substring(6) : p.name();
        Weights.copy(b, Weights.named(mmoe, from), p);
      }
      Tensor x = Fixtures.inputs(b, 7, 4, 3);
      Map<String, Tensor> y = Fixtures.targets(b, Fixtures.TASKS, 7, 4);
      Map<String, float[]> want = Weights.outputs(b, hard, x);
      Map<String, float[]> got = Weights.outputs(b, mmoe, x);
      for (var task : Fixtures.TASKS) {
        assertArrayEquals(want.get(task.name()), got.get(task.name()), 0f, task.name());
      }
      for (MultiTaskNetwork net : List.of(hard, mmoe)) {
        Graph g = new Graph(b, 13);
        g.backward(Fixtures.objective(g, net, x, y, Mode.TRAIN));
      }
      for (Parameter p : hard.sharedParameters()) {
        Parameter q = Weights.named(mmoe, "expert.0." + p.name().substring(6));
        assertArrayEquals(b.doubles(p.grad()), b.doubles(q.grad()), 1e-12, p.name());
      }
    }
  }

  @Test
  void rejectsNoExperts() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      OptionsException e =
          assertThrows(
              OptionsException.class,
              () ->
                  Fixtures.build(
                      "mmoe", Map.of("experts", 0), Fixtures.SMALL, Fixtures.TASKS, b, 1));
      assertTrue(e.getMessage().contains("model.options.experts"), e.getMessage());
    }
  }
}
