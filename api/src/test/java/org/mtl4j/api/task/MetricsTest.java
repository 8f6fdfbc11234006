package org.mtl4j.api.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every built-in metric against values worked out by hand. */
class MetricsTest {
  private static final Task DIGIT = Task.of("digit", TaskType.MULTICLASS, 3);
  private static final Task ODD = Task.of("odd", TaskType.BINARY, 1);
  private static final Task TAGS = Task.of("tags", TaskType.MULTILABEL, 2);
  private static final Task PRICE = Task.of("price", TaskType.REGRESSION, 2);

  private static double value(
      String metric, Task task, float[] out, float[] tgt, float[] mask, int rows) {
    Metric.Accumulator a = Metrics.byName(metric).start(task);
    a.add(out, tgt, mask, rows);
    return a.value();
  }

  @Test
  void accuracyMulticlassWithMaskAndTies() {
    float[] out = {
      0.1f, 0.9f, 0.0f, // pred 1
      2f, 2f, 1f, // tie: pred 0
      0f, 0f, 5f, // pred 2
      3f, 1f, 1f // pred 0, masked out
    };
    float[] tgt = {1, 0, 1, 2};
    assertEquals(2.0 / 4, value("accuracy", DIGIT, out, tgt, null, 4));
    assertEquals(2.0 / 3, value("accuracy", DIGIT, out, tgt, new float[] {1, 1, 1, 0}, 4), 1e-15);
  }

  @Test
  void accuracyBinaryAndMultilabelThresholdLogitsAtZero() {
    assertEquals(
        3.0 / 4,
        value(
            "accuracy",
            ODD,
            new float[] {1.5f, -0.2f, 0.3f, 0f},
            new float[] {1, 0, 0, 0},
            null,
            4));
    assertEquals(
        3.0 / 4,
        value("accuracy", TAGS, new float[] {1f, -1f, -2f, 3f}, new float[] {1, 1, 0, 1}, null, 2));
  }

  @Test
  void aucWithTiesCountsHalf() {
    // positives score 0.4, 0.8, 0.4; negatives 0.1, 0.4: pairs won 1 + .5 + 1 + 1 + 1 + .5 = 5 of 6
    float[] s = {0.1f, 0.4f, 0.4f, 0.8f, 0.4f};
    float[] y = {0, 1, 0, 1, 1};
    assertEquals(5.0 / 6, value("auc", ODD, s, y, null, 5), 1e-12);
    // masking out the negative at 0.4 leaves 3 of 3 pairs won
    assertEquals(1.0, value("auc", ODD, s, y, new float[] {1, 1, 0, 1, 1}, 5), 1e-12);
    // accumulated over two batches: the same as one
    Metric.Accumulator a = Metrics.byName("auc").start(ODD);
    a.add(new float[] {0.1f, 0.4f}, new float[] {0, 1}, null, 2);
    a.add(new float[] {0.4f, 0.8f, 0.4f}, new float[] {0, 1, 1}, null, 3);
    assertEquals(5.0 / 6, a.value(), 1e-12);
    assertTrue(Double.isNaN(value("auc", ODD, s, new float[5], null, 5)), "one class only: NaN");
  }

  @Test
  void aucOfMultilabelPoolsEveryLabel() {
    // scores by row: (0.9, 0.2), (0.3, 0.7); labels (1, 0), (0, 1): all 4 pairs ordered correctly
    assertEquals(
        1.0,
        value("auc", TAGS, new float[] {0.9f, 0.2f, 0.3f, 0.7f}, new float[] {1, 0, 0, 1}, null, 2),
        1e-12);
  }

  @Test
  void f1BinaryIsThePositiveClass() {
    // preds 1 1 0 0 1, labels 1 0 1 0 1: tp 2, fp 1, fn 1 -> 4 / 6
    float[] out = {2f, 0.5f, -1f, -3f, 0.1f};
    float[] tgt = {1, 0, 1, 0, 1};
    assertEquals(4.0 / 6, value("f1", ODD, out, tgt, null, 5), 1e-12);
    // mask out the false positive: tp 2, fn 1 -> 4 / 5
    assertEquals(4.0 / 5, value("f1", ODD, out, tgt, new float[] {1, 0, 1, 1, 1}, 5), 1e-12);
  }

  @Test
  void f1MulticlassIsTheMacroAverage() {
    // labels 0 0 1 2 2 2, preds 0 1 1 2 2 0
    // class 0: tp 1 fp 1 fn 1 -> 1/2; class 1: tp 1 fp 1 fn 0 -> 2/3; class 2: tp 2 fn 1 -> 4/5
    float[] out = {
      1, 0, 0, //
      0, 1, 0, //
      0, 1, 0, //
      0, 0, 1, //
      0, 0, 1, //
      1, 0, 0
    };
    float[] tgt = {0, 0, 1, 2, 2, 2};
    assertEquals((0.5 + 2.0 / 3 + 0.8) / 3, value("f1", DIGIT, out, tgt, null, 6), 1e-12);
  }

  @Test
  void f1MultilabelIsTheMicroAverage() {
    // entries: (p1,y1) (p0,y1) (p1,y0) (p1,y1) (p0,y0) (p0,y1): tp 2 fp 1 fn 2 -> 4 / 7
    float[] out = {1, -1, 1, 1, -1, -1};
    float[] tgt = {1, 1, 0, 1, 0, 1};
    assertEquals(4.0 / 7, value("f1", TAGS, out, tgt, null, 3), 1e-12);
  }

  @Test
  void rmseAndMaeWithMasks() {
    // errors: row 0 (1, -2), row 1 (3, 0), row 2 (10, 10) masked out
    float[] out = {2, 0, 5, 1, 20, 20};
    float[] tgt = {1, 2, 2, 1, 10, 10};
    float[] mask = {1, 1, 0};
    assertEquals(Math.sqrt((1 + 4 + 9 + 0) / 4.0), value("rmse", PRICE, out, tgt, mask, 3), 1e-12);
    assertEquals((1 + 2 + 3 + 0) / 4.0, value("mae", PRICE, out, tgt, mask, 3), 1e-12);
    assertTrue(
        Double.isNaN(value("rmse", PRICE, out, tgt, new float[3], 3)), "nothing labelled: NaN");
  }

  @Test
  void nothingLabelledIsNaN() {
    for (String m : List.of("accuracy", "f1")) {
      assertTrue(
          Double.isNaN(value(m, DIGIT, new float[] {1, 0, 0}, new float[] {0}, new float[] {0}, 1)),
          m);
    }
  }

  @Test
  void namesDirectionsAndApplicability() {
    assertEquals(List.of("accuracy", "auc", "f1", "mae", "rmse"), Metrics.names());
    assertTrue(Metrics.byName("accuracy").higherIsBetter());
    assertTrue(Metrics.byName("auc").higherIsBetter());
    assertFalse(Metrics.byName("rmse").higherIsBetter());
    assertFalse(Metrics.byName("mae").higherIsBetter());
    assertFalse(Metrics.byName("auc").appliesTo(TaskType.MULTICLASS));
    assertFalse(Metrics.byName("rmse").appliesTo(TaskType.BINARY));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Metrics.byName("precision"));
    assertTrue(e.getMessage().contains("'precision'"), e.getMessage());
    assertTrue(e.getMessage().contains("accuracy, auc, f1, mae, rmse"), e.getMessage());
    IllegalArgumentException na =
        assertThrows(
            IllegalArgumentException.class,
            () -> Metrics.byName("auc").checkApplicable(TaskType.REGRESSION, "price"));
    assertEquals("task price: metric 'auc' does not apply to regression tasks", na.getMessage());
  }
}
