package org.mtl4j.trainer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlotAxisTest {
  @Test
  void nonNegativeValuesNeverGetAnAxisBelowZero() {
    PlotAxis a = PlotAxis.of(new double[] {0.05, 0.3, 0.62}, true, Double.POSITIVE_INFINITY);
    assertFalse(a.log());
    assertEquals(0.0, a.min());
    assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8), a.ticks());
  }

  @Test
  void boundedMetricsStopAtOne() {
    PlotAxis a = PlotAxis.of(new double[] {0.42, 0.97}, false, 1);
    assertEquals(1.0, a.max(), 1e-12);
    assertTrue(a.ticks().stream().allMatch(t -> t >= 0 && t <= 1 + 1e-12), a.ticks().toString());
  }

  @Test
  void lossesSpanningDecadesGetALogAxisWithDecadeTicks() {
    PlotAxis a = PlotAxis.of(new double[] {1400, 600, 45, 15.2}, true, Double.POSITIVE_INFINITY);
    assertTrue(a.log());
    assertEquals(List.of(10.0, 100.0, 1000.0, 10000.0), a.ticks());
    assertEquals(0.0, a.fraction(10), 1e-12);
    assertEquals(1.0, a.fraction(10000), 1e-12);
    PlotAxis lin = PlotAxis.of(new double[] {1400, 600, 45, 15.2}, false, Double.POSITIVE_INFINITY);
    assertFalse(lin.log());
  }

  @Test
  void ticksAreNiceNumbersWithoutFloatingPointNoise() {
    PlotAxis a = PlotAxis.of(new double[] {0.921, 0.958}, false, 1);
    for (double t : a.ticks()) {
      String label = PlotAxis.label(t);
      assertTrue(label.length() <= 5, label);
    }
    assertEquals("0.93", PlotAxis.label(0.9299999999999999));
    PlotAxis fine = PlotAxis.of(new double[] {0.99994, 0.99999}, false, 1);
    List<String> labels = fine.ticks().stream().map(fine::tickLabel).toList();
    assertEquals(labels.size(), labels.stream().distinct().count(), labels.toString());
    assertEquals(1.0, PlotAxis.nice(0.7));
    assertEquals(2.0, PlotAxis.nice(1.3));
    assertEquals(50.0, PlotAxis.nice(31));
  }
}
