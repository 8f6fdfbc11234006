package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class CgcTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "cgc";
  }

  @Override
  protected Map<String, Object> options() {
    return Map.of("shared_experts", 2, "task_experts", 2);
  }

  @Test
  void isPleWithOneLevel() {
    try (ReferenceBackend b = new ReferenceBackend();
        MultiTaskNetwork cgc = build(b, Fixtures.SMALL, 9);
        MultiTaskNetwork ple =
            Fixtures.build(
                "ple",
                Map.of("shared_experts", 2, "task_experts", 2, "levels", 1),
                Fixtures.SMALL,
                Fixtures.TASKS,
                b,
                9);
        TensorScope s = b.openScope()) {
      assertEquals(Weights.names(ple.sharedParameters()), Weights.names(cgc.sharedParameters()));
      for (String task : List.of("reg", "cls", "bin")) {
        assertEquals(
            Weights.names(ple.taskParameters(task)), Weights.names(cgc.taskParameters(task)));
      }
      assertEquals(
          List.of(
              "level0.gate.reg.weight",
              "level0.gate.reg.bias",
              "[4, 4]"), // 2 own + 2 shared experts
          List.of(
              cgc.taskParameters("reg").get(8).name(),
              cgc.taskParameters("reg").get(9).name(),
              cgc.taskParameters("reg").get(8).shape().toString()));
      Tensor x = Fixtures.inputs(b, 3, 4, 2);
      Map<String, float[]> a = Weights.outputs(b, cgc, x);
      Map<String, float[]> p = Weights.outputs(b, ple, x);
      for (String task : List.of("reg", "cls", "bin")) {
        assertArrayEquals(p.get(task), a.get(task), task);
      }
    }
  }

  @Test
  void rejectsOutOfRangeCountsAndPleOnlyOptions() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      for (String option : List.of("shared_experts", "task_experts")) {
        OptionsException e =
            assertThrows(
                OptionsException.class,
                () ->
                    Fixtures.build("cgc", Map.of(option, 0), Fixtures.SMALL, Fixtures.TASKS, b, 1));
        assertTrue(e.getMessage().contains("model.options." + option), e.getMessage());
      }
      OptionsException e =
          assertThrows(
              OptionsException.class,
              () ->
                  Fixtures.build("cgc", Map.of("levels", 2), Fixtures.SMALL, Fixtures.TASKS, b, 1));
      assertTrue(e.getMessage().contains("levels"), e.getMessage());
    }
  }
}
