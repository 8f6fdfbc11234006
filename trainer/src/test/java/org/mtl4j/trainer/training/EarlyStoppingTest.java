package org.mtl4j.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.config.EarlyStoppingConfig;
import org.mtl4j.trainer.metrics.TaskScores;

class EarlyStoppingTest {

  /** Validation scores of task "a": {@code metric} at {@code value} ("loss" is the loss field). */
  private static Map<String, TaskScores> val(String metric, double value) {
    return Map.of(
        "a",
        metric.equals("loss")
            ? new TaskScores(value, Map.of())
            : new TaskScores(0.5, Map.of(metric, value)));
  }

  @Test
  void higherIsBetterMetricStopsAfterPatienceEpochsWithoutImprovement() {
    EarlyStopping s = EarlyStopping.forRun(new EarlyStoppingConfig("a", "accuracy", 2), null);
    assertFalse(s.update(val("accuracy", 0.80)));
    assertFalse(s.update(val("accuracy", 0.85)));
    assertFalse(s.update(val("accuracy", 0.84)));
    assertEquals(1, s.badEpochs());
    assertFalse(s.update(val("accuracy", 0.86)), "an improvement resets the count");
    assertEquals(0, s.badEpochs());
    assertFalse(s.update(val("accuracy", 0.86)), "equal is not an improvement");
    assertTrue(s.update(val("accuracy", 0.10)));
    assertEquals(0.86, s.best());
    assertEquals(
        "early stopping: a.accuracy has not improved for 2 epochs (best 0.86)", s.reason());
  }

  @Test
  void lossIsBetterLower() {
    EarlyStopping s = EarlyStopping.forRun(new EarlyStoppingConfig("a", "loss", 1), null);
    assertFalse(s.update(val("loss", 0.5)));
    assertFalse(s.update(val("loss", 0.4)));
    assertEquals(0.4, s.best());
    assertTrue(s.update(val("loss", 0.45)));
  }

  @Test
  void withoutConfigOrValidationNothingChanges() {
    EarlyStopping off = EarlyStopping.forRun(null, null);
    assertFalse(off.update(val("accuracy", 0.1)));
    assertTrue(Double.isNaN(off.best()));
    EarlyStopping on = EarlyStopping.forRun(new EarlyStoppingConfig("a", "accuracy", 1), null);
    assertFalse(on.update(Map.of()));
    assertTrue(Double.isNaN(on.best()));
    assertEquals(0, on.badEpochs());
  }

  @Test
  void resumedRunContinuesFromTheCheckpointState() {
    Checkpoint resume =
        new Checkpoint(
            "name: x", 42L, 3, 300L, Map.of(), Map.of(), Map.of(), List.of(), List.of(), Map.of(),
            0.9, 1);
    EarlyStopping s = EarlyStopping.forRun(new EarlyStoppingConfig("a", "accuracy", 2), resume);
    assertEquals(0.9, s.best());
    assertEquals(1, s.badEpochs());
    assertTrue(s.update(val("accuracy", 0.89)), "the second bad epoch in a row stops");
  }
}
