package org.mtl4j.api.sharing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.nn.Activation;

class NetworkSpecTest {

  private static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void validatesSizesAndRates() {
    NetworkSpec s = new NetworkSpec(10, List.of(32, 16), List.of(8), Activation.RELU, 0.1, true);
    assertEquals(16, s.representationSize());
    assertEquals(
        10,
        new NetworkSpec(10, List.of(), List.of(), Activation.RELU, 0, false).representationSize());
    assertEquals(
        "inputSize must be positive, got 0",
        error(() -> new NetworkSpec(0, List.of(), List.of(), Activation.RELU, 0, false)));
    assertTrue(
        error(() -> new NetworkSpec(3, List.of(4, 0), List.of(), Activation.RELU, 0, false))
            .contains("[4, 0]"));
    assertTrue(
        error(() -> new NetworkSpec(3, List.of(), List.of(-1), Activation.RELU, 0, false))
            .contains("[-1]"));
    assertEquals(
        "dropout must be in [0, 1), got 1.0",
        error(() -> new NetworkSpec(3, List.of(), List.of(), Activation.RELU, 1.0, false)));
    assertThrows(
        NullPointerException.class, () -> new NetworkSpec(3, List.of(), List.of(), null, 0, false));
  }

  @Test
  void networkOutputNamesAMissingTask() {
    NetworkOutput out = new NetworkOutput(Map.of(), null);
    assertEquals("network has no output for task 'odd'", error(() -> out.output("odd")));
  }
}
