package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

/**
 * Checks every strategy in this module passes: selection by name, output shapes, a correct
 * shared/task partition (a task parameter gets no gradient from another task's loss), determinism,
 * a representation the heads depend on exclusively, and finite-difference gradients of Σ L_t + Ω.
 */
abstract class StrategyChecks {
  static final int N = 5;

  abstract String strategyName();

  Map<String, ?> options() {
    return Map.of();
  }

  NetworkSpec spec() {
    return new NetworkSpec(4, List.of(5, 3), List.of(3), Activation.TANH, 0.0, false);
  }

  MultiTaskNetwork build(ReferenceBackend b, NetworkSpec spec, long seed) {
    return Fixtures.build(strategyName(), options(), spec, Fixtures.TASKS, b, seed);
  }

  @Test
  void outputsHaveEachTasksShape() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net = build(b, spec(), 3);
        TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      NetworkOutput out = net.forward(g, g.constant(Fixtures.inputs(b, N, 4, 1)), Mode.EVAL);
      for (Task t : Fixtures.TASKS) {
        assertEquals(N, out.output(t.name()).shape().rows(), t.name());
        assertEquals(t.outputSize(), out.output(t.name()).shape().cols(), t.name());
        for (float v : b.toHost(out.output(t.name()).value())) {
          assertTrue(Float.isFinite(v), t.name() + " output " + v);
        }
      }
      assertEquals(Fixtures.TASKS, net.tasks());
    }
  }

  @Test
  void partitionIsDisjointCompleteAndUniquelyNamed() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net = build(b, spec(), 3)) {
      Set<String> names = new HashSet<>();
      for (Parameter p : net.parameters()) {
        assertTrue(names.add(p.name()), "duplicate " + p.name());
      }
      int count = net.sharedParameters().size();
      for (Task t : net.tasks()) {
        assertFalse(net.taskParameters(t.name()).isEmpty(), "task " + t.name() + " has none");
        count += net.taskParameters(t.name()).size();
      }
      assertEquals(names.size(), count);
      net.lastSharedWeight()
          .ifPresent(w -> assertTrue(net.sharedParameters().contains(w), w + " not shared"));
    }
  }

  /**
   * The loss of task s gives no gradient to any parameter of another task, some gradient to its
   * own, and every shared parameter receives gradient from at least two tasks.
   */
  @Test
  void taskParametersGetGradientOnlyFromTheirTask() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = build(b, spec(), 5);
        TensorScope s = b.openScope()) {
      Tensor x = Fixtures.inputs(b, N, 4, 2);
      Map<String, Tensor> y = Fixtures.targets(b, net.tasks(), N, 3);
      Graph g = new Graph(b, 1);
      Map<String, Var> ls = Fixtures.losses(g, net, x, y, Mode.TRAIN);
      List<Var> all = net.parameters().stream().map(g::param).toList();
      Map<Parameter, Integer> sharedUsers = new java.util.HashMap<>();
      for (Task task : net.tasks()) {
        Map<Var, Tensor> grads = g.grad(ls.get(task.name()), all);
        for (Task other : net.tasks()) {
          double own = 0;
          for (Parameter p : net.taskParameters(other.name())) {
            double n2 = b.sumSquares(grads.get(g.param(p)));
            if (!other.equals(task)) {
              assertEquals(0.0, n2, 0.0, "L_" + task.name() + " reaches " + p.name());
            }
            own += n2;
          }
          if (other.equals(task)) {
            assertTrue(own > 0, "L_" + task.name() + " gives its own parameters no gradient");
          }
        }
        for (Parameter p : net.sharedParameters()) {
          if (b.sumSquares(grads.get(g.param(p))) > 0) {
            sharedUsers.merge(p, 1, Integer::sum);
          }
        }
      }
      for (Parameter p : net.sharedParameters()) {
        assertTrue(
            sharedUsers.getOrDefault(p, 0) >= Math.min(2, net.tasks().size()),
            "shared " + p.name() + " is used by " + sharedUsers.getOrDefault(p, 0) + " tasks");
      }
    }
  }

  @Test
  void sameSeedSameWeightsOtherSeedOtherWeights() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork n1 = build(b, spec(), 11);
        MultiTaskNetwork n2 = build(b, spec(), 11);
        MultiTaskNetwork n3 = build(b, spec(), 12)) {
      boolean differs = false;
      for (int i = 0; i < n1.parameters().size(); i++) {
        float[] a = b.toHost(n1.parameters().get(i).value());
        assertArrayEquals(a, b.toHost(n2.parameters().get(i).value()), "param " + i);
        differs |= !Arrays.equals(a, b.toHost(n3.parameters().get(i).value()));
      }
      assertTrue(differs, "seed 12 built the same weights as seed 11");
    }
  }

  /** Pushing each task's representation gradient back gives the full shared-parameter gradient. */
  @Test
  void representationCarriesAllSharedGradient() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = build(b, spec(), 5);
        TensorScope s = b.openScope()) {
      Tensor x = Fixtures.inputs(b, N, 4, 2);
      Map<String, Tensor> y = Fixtures.targets(b, net.tasks(), N, 3);
      Graph g = new Graph(b, 1);
      NetworkOutput out = net.forward(g, g.constant(x), Mode.TRAIN);
      if (out.representation() == null) {
        return;
      }
      Var rep = out.representation();
      for (Task t : net.tasks()) {
        Var l = t.loss().apply(g, out.output(t.name()), y.get(t.name()), null);
        List<Var> shared = net.sharedParameters().stream().map(g::param).toList();
        Map<Var, Tensor> direct = g.grad(l, shared);
        Tensor dRep = g.grad(l, List.of(rep)).get(rep);
        for (Parameter p : net.parameters()) {
          b.fill(p.grad(), 0f);
        }
        g.backward(Map.of(rep, dRep));
        for (Parameter p : net.sharedParameters()) {
          double[] want = b.doubles(direct.get(g.param(p)));
          double[] got = b.doubles(p.grad());
          for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-12, t.name() + " via representation, " + p.name());
          }
        }
      }
    }
  }

  @Test
  void gradientOfObjectiveMatchesFiniteDifferences() {
    GradChecks.check((b, seed) -> build(b, spec(), seed), 4, Fixtures.TASKS, Mode.TRAIN);
  }

  @Test
  void gradientWithLayerNormAndDropoutMatchesFiniteDifferences() {
    NetworkSpec s = spec();
    NetworkSpec withNorm =
        new NetworkSpec(s.inputSize(), s.hidden(), s.towerHidden(), Activation.GELU, 0.2, true);
    GradChecks.check((b, seed) -> build(b, withNorm, seed), 4, Fixtures.TASKS, Mode.TRAIN);
  }
}
