package org.mtl4j.trainer.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DeltaMTest {
  @Test
  void signFollowsWhetherLowerIsBetter() {
    DeltaM.Comparison acc = new DeltaM.Comparison("a", "accuracy", 0.88, 0.80, true);
    DeltaM.Comparison rmse = new DeltaM.Comparison("b", "rmse", 1.2, 1.0, false);
    assertEquals(0.1, acc.gain(), 1e-12);
    assertEquals(-0.2, rmse.gain(), 1e-12);
    assertEquals(-0.05, DeltaM.of(List.of(acc, rmse)), 1e-12);
    assertTrue(Double.isNaN(DeltaM.of(List.of())));
  }
}
