package org.mtl4j.api.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class WeightingStepTest {

  @Test
  void weightedSumAddsThePenaltyAndLossValuesReadTheHost() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1L);
      Var l1 = g.leaf(b.fromHost(Shape.scalar(), new float[] {2f}));
      Var l2 = g.leaf(b.fromHost(Shape.scalar(), new float[] {5f}));
      Var omega = g.leaf(b.fromHost(Shape.scalar(), new float[] {0.25f}));
      List<Task> tasks =
          List.of(Task.of("a", TaskType.REGRESSION, 1), Task.of("b", TaskType.BINARY, 1));
      WeightingStep step =
          new WeightingStep(
              g, tasks, List.of(l1, l2), omega, List.of(), List.of(), null, null, 0, 0);
      assertArrayEquals(new double[] {2, 5}, step.lossValues());
      Var total = step.weightedSum(new double[] {0.5, 3});
      assertEquals(0.5 * 2 + 3 * 5 + 0.25, b.doubles(total.value())[0], 1e-12);
      var grads = g.grad(total, List.of(l1, l2, omega));
      assertEquals(0.5, b.doubles(grads.get(l1))[0], 1e-12);
      assertEquals(3.0, b.doubles(grads.get(l2))[0], 1e-12);
      assertEquals(1.0, b.doubles(grads.get(omega))[0], 1e-12);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> step.weightedSum(new double[] {1}));
      assertTrue(e.getMessage().contains("1 weights for 2 losses"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new WeightingStep(
                      g, tasks, List.of(l1), null, List.of(), List.of(), null, null, 0, 0));
      assertTrue(e.getMessage().contains("2 tasks but 1 losses"), e.getMessage());
    }
  }
}
