package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
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

class LearningToBranchTest extends StrategyChecks {
  /** Three hidden layers: two branching layers, then the task leaves. */
  static final NetworkSpec DEEP =
      new NetworkSpec(4, List.of(5, 4, 3), List.of(3), Activation.TANH, 0.0, false);

  @Override
  String strategyName() {
    return "learning-to-branch";
  }

  @Nested
  class ThreeBranchesDeeper extends StrategyChecks {
    @Override
    String strategyName() {
      return "learning-to-branch";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("branches", 3, "temperature", 0.5);
    }

    @Override
    protected NetworkSpec spec() {
      return new NetworkSpec(5, List.of(6, 5, 4), List.of(3), Activation.TANH, 0.0, false);
    }
  }

  @Nested
  class OneBranchIsHardSharing extends StrategyChecks {
    @Override
    String strategyName() {
      return "learning-to-branch";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("branches", 1);
    }

    @Test
    void hasNoBranchingLogits() {
      try (ReferenceBackend b = new ReferenceBackend();
          MultiTaskNetwork net = build(b, DEEP, 1)) {
        for (Parameter p : net.parameters()) {
          assertFalse(p.name().startsWith("branch"), p.name());
        }
      }
    }
  }

  @Test
  void partitionSharesInnerNodesAndGivesEachTaskItsLeaf() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net =
            Fixtures.build(strategyName(), Map.of(), DEEP, Fixtures.TASKS, b, 1)) {
      List<String> shared = Weights.names(net.sharedParameters());
      assertEquals(
          List.of(
              "node0.0.0.weight",
              "node0.0.0.bias",
              "node0.1.0.weight",
              "node0.1.0.bias",
              "node1.0.0.weight",
              "node1.0.0.bias",
              "branch1.0",
              "node1.1.0.weight",
              "node1.1.0.bias",
              "branch1.1"),
          shared);
      assertEquals(
          List.of("leaf.reg.0.weight", "leaf.reg.0.bias", "branch.reg"),
          Weights.names(net.taskParameters("reg")).subList(0, 3));
      assertEquals("[4, 3]", Weights.named(net, "leaf.reg.0.weight").shape().toString());
    }
  }

  private static void set(ReferenceBackend b, MultiTaskNetwork net, String name, float... v) {
    b.upload(v, Weights.named(net, name).value());
  }

  /**
   * EVAL follows the argmax tree: when every leaf's most probable parent is node 1, changing node 0
   * changes nothing; when it is node 0, it does.
   */
  @Test
  void evalReadsOnlyTheArgmaxTree() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = build(b, Fixtures.SMALL, 2);
        TensorScope s = b.openScope()) {
      LearningToBranchProvider.Network tree = (LearningToBranchProvider.Network) net;
      for (String t : List.of("reg", "cls", "bin")) {
        set(b, net, "branch." + t, 0.1f, 0.4f);
        assertEquals(1, tree.leafParent(t));
      }
      Tensor x = Fixtures.inputs(b, 3, 4, 1);
      Map<String, float[]> before = Weights.outputs(b, net, x);
      b.fill(Weights.named(net, "node0.0.0.weight").value(), 0.3f);
      Map<String, float[]> after = Weights.outputs(b, net, x);
      for (String t : List.of("reg", "cls", "bin")) {
        assertArrayEquals(before.get(t), after.get(t), t + " must not read node 0");
      }
      set(b, net, "branch.cls", 0.5f, 0.4f);
      assertEquals(0, tree.leafParent("cls"));
      Map<String, float[]> switched = Weights.outputs(b, net, x);
      assertFalse(
          java.util.Arrays.equals(before.get("cls"), switched.get("cls")), "cls now reads node 0");
      assertArrayEquals(before.get("reg"), switched.get("reg"));
    }
  }

  /** With confident logits the Gumbel-softmax mixture of TRAIN equals the argmax tree of EVAL. */
  @Test
  void confidentBranchingTrainsTheArgmaxTree() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = build(b, Fixtures.SMALL, 2);
        TensorScope s = b.openScope()) {
      for (String t : List.of("reg", "cls", "bin")) {
        set(b, net, "branch." + t, t.equals("cls") ? 60f : 0f, t.equals("cls") ? 0f : 60f);
      }
      Tensor x = Fixtures.inputs(b, 3, 4, 1);
      Map<String, float[]> eval = Weights.outputs(b, net, x);
      Graph g = new Graph(b, 7);
      var out = net.forward(g, g.constant(x), Mode.TRAIN);
      for (String t : List.of("reg", "cls", "bin")) {
        assertArrayEquals(eval.get(t), b.toHost(out.output(t).value()), 1e-6f, t);
      }
    }
  }

  /** Gumbel-max: argmax(θ + G) picks p with probability softmax(θ)_p. */
  @Test
  void gumbelNoiseSamplesTheSoftmax() {
    double[] theta = {0.0, 1.0, -0.5};
    double z = Math.exp(0) + Math.exp(1) + Math.exp(-0.5);
    int n = 20_000;
    int[] counts = new int[3];
    for (int i = 0; i < n; i++) {
      float[] gumbel = LearningToBranchProvider.gumbel(i * 31L + 5, 3);
      int best = 0;
      for (int p = 1; p < 3; p++) {
        if (theta[p] + gumbel[p] > theta[best] + gumbel[best]) {
          best = p;
        }
      }
      counts[best]++;
    }
    for (int p = 0; p < 3; p++) {
      double want = Math.exp(theta[p]) / z;
      // 4 standard errors of a binomial proportion
      double tol = 4 * Math.sqrt(want * (1 - want) / n);
      assertEquals(want, counts[p] / (double) n, tol, "share of parent " + p);
    }
  }

  @Test
  void rejectsBadOptionsAndShallowSpecs() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      for (Map<String, Object> opts :
          List.<Map<String, Object>>of(Map.of("branches", 0), Map.of("temperature", 0.0))) {
        OptionsException e =
            assertThrows(
                OptionsException.class,
                () -> Fixtures.build(strategyName(), opts, Fixtures.SMALL, Fixtures.TASKS, b, 1));
        assertTrue(
            e.getMessage().contains("model.options." + opts.keySet().iterator().next()),
            e.getMessage());
      }
      NetworkSpec shallow = new NetworkSpec(4, List.of(5), List.of(), Activation.TANH, 0, false);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Fixtures.build(strategyName(), Map.of(), shallow, Fixtures.TASKS, b, 1));
      assertTrue(e.getMessage().contains("at least 2"), e.getMessage());
    }
  }
}
