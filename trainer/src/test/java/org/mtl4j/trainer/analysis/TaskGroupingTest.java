package org.mtl4j.trainer.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TaskGroupingTest {

  @Test
  void twoCliquesAreSeparated() {
    // 0,1 help each other; 2,3 help each other; across the cliques tasks hurt each other.
    double[][] z = {
      {0, 0.4, -0.2, -0.3},
      {0.5, 0, -0.1, -0.2},
      {-0.2, -0.3, 0, 0.3},
      {-0.1, -0.2, 0.6, 0},
    };
    TaskGrouping.Result r = TaskGrouping.best(z, 2);
    assertTrue(r.exhaustive());
    assertEquals(List.of(List.of(0, 1), List.of(2, 3)), r.groups());
    // score = (0.5 + 0.4) + (0.6 + 0.3), each task gets the mean from its single mate
    assertEquals(1.8, r.score(), 1e-12);
  }

  @Test
  void oneGroupWhenOnlyOneIsAllowed() {
    double[][] z = {{0, -1}, {-1, 0}};
    TaskGrouping.Result r = TaskGrouping.best(z, 1);
    assertEquals(List.of(List.of(0, 1)), r.groups());
    assertEquals(-2, r.score(), 1e-12);
    assertEquals(List.of(List.of(0), List.of(1)), TaskGrouping.best(z, 2).groups());
  }

  @Test
  void exhaustiveFindsTheOptimumOfEveryPartition() {
    SplittableRandom rng = new SplittableRandom(3);
    double[][] z = new double[6][6];
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 6; j++) {
        z[i][j] = i == j ? 0 : rng.nextDouble(-1, 1);
      }
    }
    TaskGrouping.Result r = TaskGrouping.best(z, 3);
    // brute force over all labelings with labels < 3
    double best = Double.NEGATIVE_INFINITY;
    int[] label = new int[6];
    for (int code = 0; code < 729; code++) {
      int c = code;
      for (int i = 0; i < 6; i++) {
        label[i] = c % 3;
        c /= 3;
      }
      best = Math.max(best, TaskGrouping.score(z, label));
    }
    assertEquals(best, r.score(), 1e-12);
    assertTrue(r.groups().size() <= 3);
  }

  @Test
  void greedyAboveEightTasksRespectsTheGroupLimit() {
    int n = 10;
    double[][] z = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        z[i][j] = i == j ? 0 : ((i < 5) == (j < 5) ? 0.5 : -0.5);
      }
    }
    TaskGrouping.Result r = TaskGrouping.best(z, 2);
    assertFalse(r.exhaustive());
    assertEquals(List.of(List.of(0, 1, 2, 3, 4), List.of(5, 6, 7, 8, 9)), r.groups());
    TaskGrouping.Result one = TaskGrouping.best(z, 1);
    assertEquals(1, one.groups().size());
  }

  @Test
  void badInputIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> TaskGrouping.best(new double[][] {{0, 1}}, 1));
    assertTrue(e.getMessage().contains("square"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TaskGrouping.best(new double[2][2], 0));
    assertTrue(e.getMessage().contains(">= 1"), e.getMessage());
  }
}
