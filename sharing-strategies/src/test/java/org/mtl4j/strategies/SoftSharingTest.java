package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.testing.ReferenceBackend;

class SoftSharingTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "soft";
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("lambda", 0.5);
  }

  @Nested
  class Pairwise extends StrategyChecks {
    @Override
    String strategyName() {
      return "soft";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("coupling", "l2-pairwise", "lambda", 0.5);
    }
  }

  @Nested
  class TraceNorm extends StrategyChecks {
    @Override
    String strategyName() {
      return "soft";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("coupling", "trace-norm", "lambda", 0.5);
    }
  }

  static final List<Task> TWO =
      List.of(Task.of("a", TaskType.REGRESSION, 1), Task.of("b", TaskType.BINARY, 1));

  /** A network of two tasks whose single column layers are 2x2. */
  static MultiTaskNetwork two(ReferenceBackend b, String coupling, double lambda) {
    NetworkSpec spec = new NetworkSpec(2, List.of(2), List.of(), Activation.TANH, 0, false);
    return Fixtures.build("soft", Map.of("coupling", coupling, "lambda", lambda), spec, TWO, b, 3);
  }

  static void set(ReferenceBackend b, MultiTaskNetwork net, String name, double... w) {
    b.uploadDoubles(w, Weights.named(net, name).value());
  }

  @Test
  void nothingIsSharedAndEachColumnBelongsToItsTask() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net = build(b, Fixtures.SMALL, 1)) {
      assertTrue(net.sharedParameters().isEmpty());
      assertTrue(net.lastSharedWeight().isEmpty());
      assertEquals(
          List.of(
              "column.cls.0.weight",
              "column.cls.0.bias",
              "column.cls.1.weight",
              "column.cls.1.bias",
              "tower.cls.0.weight",
              "tower.cls.0.bias",
              "tower.cls.out.weight",
              "tower.cls.out.bias"),
          Weights.names(net.taskParameters("cls")));
    }
  }

  @Test
  void zeroLambdaGivesZeroPenalty() {
    for (String c : List.of("l2-mean", "l2-pairwise", "trace-norm")) {
      try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
          MultiTaskNetwork net =
              Fixtures.build(
                  "soft",
                  Map.of("coupling", c, "lambda", 0.0),
                  Fixtures.SMALL,
                  Fixtures.TASKS,
                  b,
                  1);
          MultiTaskNetwork on =
              Fixtures.build(
                  "soft",
                  Map.of("coupling", c, "lambda", 1.0),
                  Fixtures.SMALL,
                  Fixtures.TASKS,
                  b,
                  1)) {
        assertEquals(0.0, Weights.penalty(b, net), 0.0, c);
        assertTrue(Weights.penalty(b, on) > 0.01, c + " penalty of random columns");
      }
    }
  }

  /** Zero up to the rounding of the across-task mean (3w/3) in double precision. */
  @Test
  void identicalColumnsGiveZeroL2Penalty() {
    for (String c : List.of("l2-mean", "l2-pairwise")) {
      try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
          MultiTaskNetwork net =
              Fixtures.build(
                  "soft",
                  Map.of("coupling", c, "lambda", 2.0),
                  Fixtures.SMALL,
                  Fixtures.TASKS,
                  b,
                  1)) {
        for (String task : List.of("cls", "bin")) {
          for (String w : List.of("0.weight", "1.weight")) {
            Weights.copy(
                b,
                Weights.named(net, "column.reg." + w),
                Weights.named(net, "column." + task + "." + w));
          }
        }
        assertEquals(0.0, Weights.penalty(b, net), 1e-12, c);
      }
    }
  }

  @Test
  void l2PenaltiesMatchHandComputedValues() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork mean = two(b, "l2-mean", 0.5);
        MultiTaskNetwork pairwise = two(b, "l2-pairwise", 0.5)) {
      for (MultiTaskNetwork net : List.of(mean, pairwise)) {
        set(b, net, "column.a.0.weight", 1, 2, 3, 4);
        set(b, net, "column.b.0.weight", 0, 2, 5, 1);
      }
      // differences (1, 0, -2, 3): squared norm 14; mean form: 2 * (14 / 4) = 7
      assertEquals(0.5 * 7, Weights.penalty(b, mean), 1e-12);
      assertEquals(0.5 * 14, Weights.penalty(b, pairwise), 1e-12);
    }
  }

  @Test
  void traceNormMatchesHandComputedValues() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = two(b, "trace-norm", 1.0)) {
      // S = [[1,0,0,0],[1,1,0,0]]: σ1² + σ2² = 3, σ1 σ2 = 1, so σ1 + σ2 = √5
      set(b, net, "column.a.0.weight", 1, 0, 0, 0);
      set(b, net, "column.b.0.weight", 1, 1, 0, 0);
      assertEquals(Math.sqrt(5), Weights.penalty(b, net), 1e-12);
      // orthogonal rows of norm √2: 2√2
      set(b, net, "column.a.0.weight", 1, 1, 0, 0);
      set(b, net, "column.b.0.weight", 1, -1, 0, 0);
      assertEquals(2 * Math.sqrt(2), Weights.penalty(b, net), 1e-12);
      // rank one: identical rows (3,4,0,0) give the norm of the stacked vector, 5√2
      set(b, net, "column.a.0.weight", 3, 4, 0, 0);
      set(b, net, "column.b.0.weight", 3, 4, 0, 0);
      assertEquals(5 * Math.sqrt(2), Weights.penalty(b, net), 1e-12);
    }
  }

  /** On a rank-one stack the gradient is U Vᵀ over the one non-zero singular value. */
  @Test
  void traceNormGradientOnRankDeficientStackIsTheSubgradient() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = two(b, "trace-norm", 1.0)) {
      set(b, net, "column.a.0.weight", 3, 4, 0, 0);
      set(b, net, "column.b.0.weight", 3, 4, 0, 0);
      try (var s = b.openScope()) {
        org.mtl4j.api.autograd.Graph g = new org.mtl4j.api.autograd.Graph(b, 1);
        Parameter wa = Weights.named(net, "column.a.0.weight");
        var grads = g.grad(net.penalty(g).orElseThrow(), List.of(g.param(wa)));
        // S = u σ vᵀ with u = (1,1)/√2, v = (3,4,0,0)/5: row a of U Vᵀ = (3,4,0,0) / (5√2)
        double[] got = b.doubles(grads.get(g.param(wa)));
        double k = 1 / (5 * Math.sqrt(2));
        double[] want = {3 * k, 4 * k, 0, 0};
        for (int i = 0; i < 4; i++) {
          assertEquals(want[i], got[i], 1e-9, "entry " + i);
        }
      }
    }
  }

  @Test
  void rejectsNegativeLambdaUnknownCouplingAndSingleTask() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      OptionsException e = assertThrows(OptionsException.class, () -> two(b, "l2-mean", -1));
      assertTrue(e.getMessage().contains("model.options.lambda"), e.getMessage());
      e = assertThrows(OptionsException.class, () -> two(b, "frobenius", 1));
      assertTrue(e.getMessage().contains("trace-norm"), e.getMessage());
      IllegalArgumentException single =
          assertThrows(
              IllegalArgumentException.class,
              () -> Fixtures.build("soft", Map.of(), Fixtures.SMALL, TWO.subList(0, 1), b, 1));
      assertTrue(single.getMessage().contains("at least 2 tasks"), single.getMessage());
    }
  }
}
