package org.mtl4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Host-side logic of the caching allocator and the scatter plan (no GPU needed). */
class AllocatorAndPlanTest {

  @Test
  void sizeClassesCoverRequestsWithAtMostAQuarterSlack() {
    assertEquals(512, DeviceAllocator.sizeClass(1));
    assertEquals(512, DeviceAllocator.sizeClass(512));
    assertEquals(1024, DeviceAllocator.sizeClass(513));
    assertEquals(2048, DeviceAllocator.sizeClass(2048));
    assertEquals(2560, DeviceAllocator.sizeClass(2049));
    assertEquals(4L << 20, DeviceAllocator.sizeClass(4L << 20));
    assertEquals(5L << 20, DeviceAllocator.sizeClass((4L << 20) + 1));
    for (long b = 1; b < (1L << 26); b = b * 3 + 7) {
      long c = DeviceAllocator.sizeClass(b);
      assertTrue(c >= b && c <= Math.max(b + 511, b * 1.25 + 1), b + " -> " + c);
      assertEquals(c, DeviceAllocator.sizeClass(c), "a class is its own class: " + c);
    }
    assertThrows(IllegalArgumentException.class, () -> DeviceAllocator.sizeClass(0));
  }

  @Test
  void scatterPlanGroupsSourcesByTargetInSourceOrder() {
    int[] rows = {3, 1, 3, 0, 1, 3};
    int[] plan = ScatterPlan.of(rows);
    int u = ScatterPlan.targets(plan, rows.length);
    assertEquals(3, u);
    // targets 0, 1, 3; starts 0, 1, 3, 6; sources (3), (1, 4), (0, 2, 5)
    assertArrayEquals(new int[] {0, 1, 3, 0, 1, 3, 6, 3, 1, 4, 0, 2, 5}, plan);
  }
}
