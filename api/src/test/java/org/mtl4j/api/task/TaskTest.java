package org.mtl4j.api.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.testing.ReferenceBackend;

/** Task, TaskType and Batch validation. */
class TaskTest {

  private static String error(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void defaultsByType() {
    Task t = Task.of("digit", TaskType.MULTICLASS, 10);
    assertEquals(1.0, t.weight());
    assertEquals(List.of("accuracy"), t.metrics());
    assertSame(Losses.SOFTMAX_CROSS_ENTROPY, t.loss());
    assertEquals(1, t.targetColumns());
    assertSame(Losses.BCE_WITH_LOGITS, TaskType.MULTILABEL.defaultLoss());
    assertSame(Losses.MSE, TaskType.REGRESSION.defaultLoss());
    assertEquals(3, Task.of("price", TaskType.REGRESSION, 3).targetColumns());
    assertEquals(List.of("accuracy", "auc"), TaskType.BINARY.defaultMetrics());
    assertEquals(0.5, t.withWeight(0.5).weight());
    assertEquals(List.of("f1"), t.withMetrics(List.of("f1")).metrics());
  }

  @Test
  void invalidTasksAreRejectedWithTheTaskNameAndValue() {
    assertEquals(
        "task name 'my task' must be non-empty and use only letters, digits, '-' and '_'",
        error(() -> Task.of("my task", TaskType.BINARY, 1)));
    assertTrue(error(() -> Task.of("", TaskType.BINARY, 1)).contains("non-empty"));
    assertEquals(
        "task price: outputSize must be positive, got 0",
        error(() -> Task.of("price", TaskType.REGRESSION, 0)));
    assertEquals(
        "task odd: a binary task has outputSize 1, got 2",
        error(() -> Task.of("odd", TaskType.BINARY, 2)));
    assertEquals(
        "task digit: a multiclass task needs at least 2 classes, got 1",
        error(() -> Task.of("digit", TaskType.MULTICLASS, 1)));
    assertEquals(
        "task odd: weight must be a finite number >= 0, got -1.0",
        error(() -> Task.of("odd", TaskType.BINARY, 1).withWeight(-1)));
    assertTrue(
        error(() -> Task.of("odd", TaskType.BINARY, 1).withWeight(Double.NaN)).contains("NaN"));
    assertTrue(
        error(() -> Task.of("odd", TaskType.BINARY, 1).withWeight(Double.POSITIVE_INFINITY))
            .contains("Infinity"));
    assertEquals(
        "task digit: metric 'rmse' does not apply to multiclass tasks",
        error(() -> Task.of("digit", TaskType.MULTICLASS, 3).withMetrics(List.of("rmse"))));
    assertTrue(
        error(() -> Task.of("digit", TaskType.MULTICLASS, 3).withMetrics(List.of("precision")))
            .contains("'precision' is not a known metric"));
  }

  @Test
  void taskTypesParseByConfigName() {
    assertEquals(TaskType.MULTILABEL, TaskType.parse("multilabel"));
    assertEquals(
        "'multi-label' is not one of multiclass, binary, regression, multilabel",
        error(() -> TaskType.parse("multi-label")));
  }

  @Test
  void batchChecksRowsAndMasks() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      Tensor x = b.zeros(Shape.matrix(4, 3));
      Tensor y = b.zeros(Shape.column(4));
      Tensor m = b.zeros(Shape.column(4));
      Batch batch = new Batch(x, Map.of("odd", y), Map.of("odd", m));
      assertEquals(4, batch.size());
      assertSame(y, batch.target("odd"));
      assertSame(m, batch.mask("odd"));
      assertNull(new Batch(x, Map.of("odd", y), Map.of()).mask("odd"), "no mask: all labelled");
      assertEquals("batch has no targets for task 'even'", error(() -> batch.target("even")));
      assertEquals(
          "batch: targets of task odd have 5 rows, features 4",
          error(() -> new Batch(x, Map.of("odd", b.zeros(Shape.column(5))), Map.of())));
      assertEquals(
          "batch: mask of task odd is [4, 2], expected [4, 1]",
          error(() -> new Batch(x, Map.of("odd", y), Map.of("odd", b.zeros(Shape.matrix(4, 2))))));
    }
  }
}
