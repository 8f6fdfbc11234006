package org.mtl4j.backend.cuda;

/**
 * Groups the source rows of a scatter-add by target row, keeping source order within a group, so
 * that one GPU thread per target element sums in the reference order without atomics. Layout:
 * {@code [targets (u), starts (u + 1), sources (n)]}.
 */
final class ScatterPlan {
  private ScatterPlan() {}

  static int[] of(int[] rows) {
    int n = rows.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // stable: equal targets keep their source order
    java.util.Arrays.sort(order, (x, y) -> Integer.compare(rows[x], rows[y]));
    int u = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || rows[order[i]] != rows[order[i - 1]]) {
        u++;
      }
    }
    int[] plan = new int[2 * u + 1 + n];
    int g = -1;
    for (int i = 0; i < n; i++) {
      if (i == 0 || rows[order[i]] != rows[order[i - 1]]) {
        g++;
        plan[g] = rows[order[i]];
        plan[u + g] = i;
      }
      plan[2 * u + 1 + i] = order[i];
    }
    plan[2 * u] = n;
    return plan;
  }

  /** The number of distinct targets in a plan for {@code n} sources. */
  static int targets(int[] plan, int n) {
    return (plan.length - 1 - n) / 2;
  }
}
