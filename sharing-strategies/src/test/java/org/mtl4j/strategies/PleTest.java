package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class PleTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "ple";
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("shared_experts", 2, "task_experts", 1, "levels", 2);
  }

  @Nested
  class Cgc extends StrategyChecks {
    @Override
    String strategyName() {
      return "ple";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("levels", 1, "task_experts", 2);
    }
  }

  @Nested
  class ThreeLevels extends StrategyChecks {
    @Override
    String strategyName() {
      return "ple";
    }

    @Override
    protected Map<String, Object> options() {
      return Map.of("levels", 3);
    }
  }

  @Test
  void partitionFollowsWhatEachTaskReaches() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork net =
            Fixtures.build("ple", Map.of("levels", 3), Fixtures.SMALL, Fixtures.TASKS, b, 1)) {
      List<String> shared = Weights.names(net.sharedParameters());
      List<String> reg = Weights.names(net.taskParameters("reg"));
      assertTrue(shared.contains("level0.expert.reg.0.0.weight"));
      assertTrue(shared.contains("level0.gate.reg.weight"));
      assertTrue(shared.contains("level1.expert.reg.0.0.weight"));
      assertTrue(reg.contains("level1.gate.reg.weight"));
      assertTrue(reg.contains("level2.expert.reg.0.0.weight"));
      assertTrue(reg.contains("level2.gate.reg.weight"));
      assertTrue(shared.contains("level1.gate.shared.weight"));
      assertTrue(!shared.contains("level2.gate.shared.weight") && !reg.contains(""));
      // task gate: 1 own + 1 shared expert; shared gate: 3 task experts + 1 shared
      assertEquals("[3, 2]", Weights.named(net, "level2.gate.reg.weight").shape().toString());
      assertEquals("[3, 4]", Weights.named(net, "level1.gate.shared.weight").shape().toString());
      assertEquals("[4, 4]", Weights.named(net, "level0.gate.shared.weight").shape().toString());
    }
  }

  @Test
  void cgcHasTheSharedExpertsAsRepresentation() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork cgc =
            Fixtures.build(
                "ple",
                Map.of("levels", 1, "shared_experts", 2),
                Fixtures.SMALL,
                Fixtures.TASKS,
                b,
                1);
        MultiTaskNetwork ple =
            Fixtures.build("ple", Map.of(), Fixtures.SMALL, Fixtures.TASKS, b, 1);
        TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      var x = g.constant(Fixtures.inputs(b, 2, 4, 1));
      assertNotNull(cgc.forward(g, x, Mode.EVAL).representation());
      assertEquals("[2, 6]", cgc.forward(g, x, Mode.EVAL).representation().shape().toString());
      assertNull(ple.forward(g, x, Mode.EVAL).representation());
      assertEquals(
          List.of(
              "level0.expert.shared.0.0.weight",
              "level0.expert.shared.0.0.bias",
              "level0.expert.shared.0.1.weight",
              "level0.expert.shared.0.1.bias",
              "level0.expert.shared.1.0.weight",
              "level0.expert.shared.1.0.bias",
              "level0.expert.shared.1.1.weight",
              "level0.expert.shared.1.1.bias"),
          Weights.names(cgc.sharedParameters()));
    }
  }

  @Test
  void rejectsOutOfRangeCounts() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      for (String option : List.of("shared_experts", "task_experts", "levels")) {
        OptionsException e =
            assertThrows(
                OptionsException.class,
                () ->
                    Fixtures.build("ple", Map.of(option, 0), Fixtures.SMALL, Fixtures.TASKS, b, 1));
        assertTrue(e.getMessage().contains("model.options." + option), e.getMessage());
      }
    }
  }
}
