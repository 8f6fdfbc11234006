package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MultiFashionGeneratorTest {
  /** Item i is a solid square of value (i+1)*20 over the whole 28x28 image. */
  private static IdxReader.Images solid(int n) {
    byte[] px = new byte[n * 784];
    for (int i = 0; i < n; i++) {
      Arrays.fill(px, i * 784, (i + 1) * 784, (byte) ((i + 1) * 20));
    }
    return new IdxReader.Images(n, 28, 28, px);
  }

  @Test
  void placesTwoItemsOfDifferentClassesInOppositeCornersWithPixelMax() {
    IdxReader.Images items = solid(10);
    byte[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    MultiFashionGenerator.Composites c = MultiFashionGenerator.generate(items, labels, 200, 5);
    for (int i = 0; i < c.count(); i++) {
      assertNotEquals(c.left()[i], c.right()[i], "two different classes");
      float leftValue = ((int) c.left()[i] + 1) * 20 / 255f;
      float rightValue = ((int) c.right()[i] + 1) * 20 / 255f;
      int base = i * 36 * 36;
      assertEquals(
          leftValue,
          c.pixels()[base + 4 * 36 + 4] == Math.max(leftValue, rightValue)
              ? leftValue
              : c.pixels()[base + 4 * 36 + 4],
          1e-6f);
      // (0,0) belongs only to the left item when it is not shifted; (35,35) only to the right
      float corner = c.pixels()[base];
      assertTrue(corner == 0f || corner == leftValue);
      float far = c.pixels()[base + 35 * 36 + 35];
      assertTrue(far == 0f || far == rightValue);
      // the centre is covered by both: the maximum wins
      assertEquals(Math.max(leftValue, rightValue), c.pixels()[base + 18 * 36 + 18], 1e-6f);
    }
  }

  @Test
  void isDeterministicForASeedAndDiffersAcrossSeeds() {
    IdxReader.Images items = new IdxReader.Images(30, 28, 28, IdxFixtures.images(30, 28));
    byte[] labels = new byte[30];
    for (int i = 0; i < 30; i++) {
      labels[i] = (byte) (i % 10);
    }
    var a = MultiFashionGenerator.generate(items, labels, 50, 11);
    var b = MultiFashionGenerator.generate(items, labels, 50, 11);
    var c = MultiFashionGenerator.generate(items, labels, 50, 12);
    assertArrayEquals(a.pixels(), b.pixels());
    assertArrayEquals(a.left(), b.left());
    assertFalse(Arrays.equals(a.pixels(), c.pixels()));
  }
}
