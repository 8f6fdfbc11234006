package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.testing.SharingStrategyContract;

/**
 * The testkit's {@link SharingStrategyContract} for a strategy of this module, selected by name
 * through {@link java.util.ServiceLoader}, plus two checks of what this module's strategies promise
 * beyond it: every shared parameter serves at least two tasks, and a non-null representation
 * carries the whole shared-parameter gradient of every task.
 */
abstract class StrategyChecks extends SharingStrategyContract {
  static final int N = 5;

  abstract String strategyName();

  @Override
  protected SharingStrategyProvider provider() {
    return Fixtures.provider(strategyName());
  }

  MultiTaskNetwork build(ReferenceBackend b, NetworkSpec spec, long seed) {
    return Fixtures.build(strategyName(), options(), spec, Fixtures.TASKS, b, seed);
  }

  /** A shared parameter that only one task's loss reaches belongs to that task. */
  @Test
  void everySharedParameterServesSeveralTasks() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = build(b, spec(), 5);
        TensorScope s = b.openScope()) {
      Tensor x = Fixtures.inputs(b, N, spec().inputSize(), 2);
      Map<String, Tensor> y = Fixtures.targets(b, net.tasks(), N, 3);
      Graph g = new Graph(b, 1);
      Map<String, Var> ls = Fixtures.losses(g, net, x, y, Mode.TRAIN);
      List<Var> shared = net.sharedParameters().stream().map(g::param).toList();
      Map<Parameter, Integer> users = new HashMap<>();
      for (Task task : net.tasks()) {
        Map<Var, Tensor> grads = g.grad(ls.get(task.name()), shared);
        for (Parameter p : net.sharedParameters()) {
          if (b.sumSquares(grads.get(g.param(p))) > 0) {
            users.merge(p, 1, Integer::sum);
          }
        }
      }
      for (Parameter p : net.sharedParameters()) {
        assertTrue(
            users.getOrDefault(p, 0) >= 2,
            "shared " + p.name() + " is used by " + users.getOrDefault(p, 0) + " tasks");
      }
    }
  }

  /** Pushing each task's representation gradient back gives its full shared-parameter gradient. */
  @Test
  void representationCarriesAllSharedGradient() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = build(b, spec(), 5);
        TensorScope s = b.openScope()) {
      Tensor x = Fixtures.inputs(b, N, spec().inputSize(), 2);
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
}
