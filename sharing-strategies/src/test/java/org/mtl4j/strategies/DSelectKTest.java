package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class DSelectKTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "dselect-k";
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("experts", 4, "selectors", 2, "entropy", 0.01);
  }

  /** Three experts: one binary code names no expert, and Ω's mass term is active. */
  @Nested
  class ThreeExperts extends StrategyChecks {
    @Override
    String strategyName() {
      return "dselect-k";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("experts", 3, "selectors", 2, "gamma", 2.0);
    }
  }

  @Test
  void smoothStepIsThePapersCubicWithFlatEnds() {
    double gamma = 2.0;
    assertEquals(0.0, DSelectGate.smoothStep(-1.0, gamma));
    assertEquals(0.5, DSelectGate.smoothStep(0.0, gamma));
    assertEquals(1.0, DSelectGate.smoothStep(1.0, gamma));
    // -2 t^3 / γ^3 + 3 t / (2γ) + 1/2 at t = 0.5, γ = 2: -0.03125 + 0.375 + 0.5
    assertEquals(0.84375, DSelectGate.smoothStep(0.5, gamma), 1e-15);
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        TensorScope s = b.openScope()) {
      double[] t = {-3, -1, -0.7, -0.2, 0, 0.3, 0.99, 1, 4};
      float[] tf = new float[t.length];
      for (int i = 0; i < t.length; i++) {
        tf[i] = (float) t[i];
      }
      Graph g = new Graph(b, 1);
      Var x = g.leaf(b.fromHost(Shape.matrix(1, t.length), tf));
      Var y = DSelectGate.smoothStep(g, x, (float) gamma);
      double[] got = b.doubles(y.value());
      double[] slope = b.doubles(g.grad(g.sum(y), List.of(x)).get(x));
      for (int i = 0; i < t.length; i++) {
        double ti = tf[i];
        assertEquals(DSelectGate.smoothStep(ti, gamma), got[i], 1e-6, "S(" + ti + ")");
        double want = Math.abs(ti) >= 1 ? 0 : -6 * ti * ti / 8 + 3 / (2 * gamma);
        assertEquals(want, slope[i], 1e-6, "S'(" + ti + ")");
      }
    }
  }

  /** Saturated selectors pick exactly their binary code's expert: the gate is k-sparse. */
  @Test
  void saturatedSelectorsGiveExactlyKNonZeroWeights() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE)) {
      DSelectGate gate = new DSelectGate(b, "gate.t", 3, 4, 2, 1.0, 1, 2);
      try (TensorScope s = b.openScope()) {
        List<Parameter> ps = gate.parameters(); // z.weight, z.bias, alpha.weight, alpha.bias
        b.fill(ps.get(0).value(), 0f);
        // selector 0 logits (+5, -5): code 10 = expert 2; selector 1 (-5, +5): code 01 = expert 1
        b.upload(new float[] {5f, -5f, -5f, 5f}, ps.get(1).value());
        b.fill(ps.get(2).value(), 0f);
        b.upload(new float[] {(float) Math.log(3), 0f}, ps.get(3).value());
        Graph g = new Graph(b, 1);
        DSelectGate.Selection sel =
            gate.select(g, g.constant(Fixtures.inputs(b, 2, 3, 1)), Mode.EVAL);
        double[] w = b.doubles(sel.weights().value());
        double[] want = {0, 0.25, 0.75, 0, 0, 0.25, 0.75, 0};
        for (int i = 0; i < want.length; i++) {
          assertEquals(want[i], w[i], 1e-6, "gate weight " + i);
        }
      } finally {
        gate.parameters().forEach(Parameter::close);
      }
    }
  }

  /**
   * With all selector logits at 0 every selector spreads 1/4 over 4 experts, so each contributes
   * the entropy ln 4 and Ω = λ · T · k · ln 4.
   */
  @Test
  void penaltyIsTheSelectorsEntropyAndOnlyFollowsTrainingForwards() {
    double lambda = 0.01;
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = build(b, Fixtures.SMALL, 3);
        TensorScope s = b.openScope()) {
      for (Parameter p : net.parameters()) {
        if (p.name().contains(".z.")) {
          b.fill(p.value(), 0f);
        }
      }
      Graph g = new Graph(b, 1);
      net.forward(g, g.constant(Fixtures.inputs(b, 5, 4, 1)), Mode.TRAIN);
      double omega = b.doubles(net.penalty(g).orElseThrow().value())[0];
      double expected = lambda * 3 * 2 * -4 * 0.25 * Math.log(0.25 + 1e-6);
      assertEquals(expected, omega, 1e-9);
      assertTrue(net.penalty(new Graph(b, 1)).isEmpty(), "no forward on that graph");
      Graph eval = new Graph(b, 1);
      net.forward(eval, eval.constant(Fixtures.inputs(b, 5, 4, 1)), Mode.EVAL);
      assertTrue(net.penalty(eval).isEmpty(), "Ω regularises training only");
    }
  }

  @Test
  void partitionAndRepresentation() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net = build(b, Fixtures.SMALL, 1);
        TensorScope s = b.openScope()) {
      assertEquals(16, net.sharedParameters().size());
      assertEquals(
          List.of("gate.bin.z.weight", "gate.bin.z.bias", "gate.bin.alpha.weight"),
          Weights.names(net.taskParameters("bin")).subList(0, 3));
      // 2 selectors x 2 bits of z, 2 selector weights
      assertEquals("[4, 4]", net.taskParameters("bin").get(0).shape().toString());
      assertEquals("[4, 2]", net.taskParameters("bin").get(2).shape().toString());
      Graph g = new Graph(b, 1);
      var out = net.forward(g, g.constant(Fixtures.inputs(b, 2, 4, 1)), Mode.EVAL);
      assertEquals("[2, 12]", out.representation().shape().toString());
    }
  }

  @Test
  void rejectsOutOfRangeOptions() {
    List<Map<String, Object>> bad =
        List.of(
            Map.of("experts", 1),
            Map.of("experts", 4, "selectors", 5),
            Map.of("selectors", 0),
            Map.of("gamma", 0.0),
            Map.of("entropy", -1.0));
    try (ReferenceBackend b = new ReferenceBackend()) {
      for (Map<String, Object> opts : bad) {
        OptionsException e =
            assertThrows(
                OptionsException.class,
                () -> Fixtures.build("dselect-k", opts, Fixtures.SMALL, Fixtures.TASKS, b, 1));
        String key = opts.containsKey("selectors") ? "selectors" : opts.keySet().iterator().next();
        assertTrue(e.getMessage().contains("model.options." + key), e.getMessage());
      }
    }
  }
}
