package org.mtl4j.trainer.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.trainer.compare.EpochSelection.MainMetric;
import org.mtl4j.trainer.metrics.TaskScores;

/** The validation Δm rule on a constructed history. */
class EpochSelectionTest {
  private static final List<MainMetric> MAINS =
      List.of(new MainMetric("cls", "accuracy", true), new MainMetric("reg", "rmse", false));

  private static Map<String, TaskScores> epoch(double acc, double rmse) {
    return Map.of(
        "cls", new TaskScores(0.5, Map.of("accuracy", acc)),
        "reg", new TaskScores(0.5, Map.of("rmse", rmse)));
  }

  @Test
  void picksTheEpochWithTheHighestValidationDeltaM() {
    Map<String, Double> base = Map.of("cls", 0.80, "reg", 2.0);
    List<Map<String, TaskScores>> h =
        List.of(
            epoch(0.70, 2.4), // Δm = (-0.125 - 0.2) / 2 = -0.1625
            epoch(0.88, 2.2), // (+0.1 - 0.1) / 2 = 0
            epoch(0.84, 1.8), // (+0.05 + 0.1) / 2 = +0.075  <- best
            epoch(0.92, 2.1)); // (+0.15 - 0.05) / 2 = +0.05 (best accuracy, not best Δm)
    assertEquals(-0.1625, EpochSelection.deltaM(h.get(0), MAINS, base), 1e-12);
    assertEquals(0.075, EpochSelection.deltaM(h.get(2), MAINS, base), 1e-12);
    assertEquals(2, EpochSelection.byDeltaM(h, MAINS, base));
  }

  @Test
  void tiesGoToTheEarliestEpochAndMissingScoresAreNeverSelected() {
    Map<String, Double> base = Map.of("cls", 0.5, "reg", 1.0);
    List<Map<String, TaskScores>> h =
        List.of(epoch(Double.NaN, 0.5), epoch(0.6, 1.0), epoch(0.6, 1.0));
    assertEquals(1, EpochSelection.byDeltaM(h, MAINS, base));
  }

  @Test
  void baselinesAreReadAtTheirBestValidationMainMetric() {
    List<Map<String, TaskScores>> h = List.of(epoch(0.7, 3.0), epoch(0.9, 2.5), epoch(0.8, 1.5));
    assertEquals(1, EpochSelection.byMetric(h, MAINS.get(0)));
    assertEquals(2, EpochSelection.byMetric(h, MAINS.get(1)));
  }
}
