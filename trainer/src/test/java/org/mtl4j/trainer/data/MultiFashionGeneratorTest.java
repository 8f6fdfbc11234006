package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

  /**
   * Item i: pixel (y, x) = (i * 31 + y * 5 + x) mod 256, so every pixel says where it came from.
   */
  private static IdxReader.Images patterned(int n) {
    byte[] px = new byte[n * 784];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 784; p++) {
        px[i * 784 + p] = (byte) ((i * 31 + (p / 28) * 5 + p % 28) % 256);
      }
    }
    return new IdxReader.Images(n, 28, 28, px);
  }

  private static float item(int i, int y, int x) {
    return ((i * 31 + y * 5 + x) % 256) / 255f;
  }

  @Test
  void senerKoltunPlacementPairsEveryImageWithARandomOneSixPixelsDownAndRight() {
    IdxReader.Images items = solid(10);
    byte[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    var recipe =
        new MultiFashionGenerator.Recipe(
            MultiFashionGenerator.Placement.FIXED,
            MultiFashionGenerator.Pairing.EVERY_IMAGE,
            36,
            0f,
            1f);
    MultiFashionGenerator.Composites c =
        MultiFashionGenerator.generate(items, labels, 300, 3, recipe);
    assertEquals(36, c.size());
    int sameClass = 0;
    for (int i = 0; i < c.count(); i++) {
      assertEquals(i % 10, (int) c.left()[i], "composite i's left item is image i mod n");
      float l = ((int) c.left()[i] + 1) * 20 / 255f;
      float r = ((int) c.right()[i] + 1) * 20 / 255f;
      int base = i * 36 * 36;
      assertEquals(l, c.pixels()[base], 0f, "left item at (0, 0)");
      assertEquals(l, c.pixels()[base + 5 * 36 + 27], 0f, "above the right item: left only");
      assertEquals(r, c.pixels()[base + 6 * 36 + 28], 0f, "right of the left item: right only");
      assertEquals(r, c.pixels()[base + 33 * 36 + 33], 0f, "right item ends at (33, 33)");
      assertEquals(0f, c.pixels()[base + 34 * 36 + 34], 0f, "nothing beyond it");
      assertEquals(0f, c.pixels()[base + 35], 0f, "top-right corner empty");
      assertEquals(Math.max(l, r), c.pixels()[base + 6 * 36 + 6], 0f, "overlap: the maximum");
      if (c.left()[i] == c.right()[i]) {
        sameClass++;
      }
    }
    // the right item is any image: about a tenth of the pairs share a class (binomial 300, 0.1)
    assertTrue(sameClass >= 10 && sameClass <= 55, "same-class pairs: " + sameClass);
  }

  @Test
  void nearestNeighbourResizingReadsPixelCentresAsPil() {
    int[] idx = MultiFashionGenerator.nearestIndex(28);
    assertArrayEquals(new int[] {0, 1, 3, 4, 5, 7, 8, 9, 10}, Arrays.copyOf(idx, 9));
    assertEquals(35, idx[27]);
    int[] identity = MultiFashionGenerator.nearestIndex(36);
    for (int i = 0; i < 36; i++) {
      assertEquals(i, identity[i]);
    }
  }

  @Test
  void senerKoltunRecipeResizesTo28AndStandardisesThePixels() {
    IdxReader.Images items = patterned(7);
    byte[] labels = {0, 1, 2, 3, 4, 5, 6};
    var recipe = MultiFashionGenerator.Recipe.SENER_KOLTUN;
    var c = MultiFashionGenerator.generate(items, labels, 20, 9, recipe);
    assertEquals(28, c.size());
    assertEquals(20 * 28 * 28, c.pixels().length);
    int[] idx = MultiFashionGenerator.nearestIndex(28);
    for (int i = 0; i < c.count(); i++) {
      int a = i % 7;
      int b = (int) c.right()[i];
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          int cy = idx[y];
          int cx = idx[x];
          float l = cy < 28 && cx < 28 ? item(a, cy, cx) : 0f;
          float r = cy >= 6 && cy < 34 && cx >= 6 && cx < 34 ? item(b, cy - 6, cx - 6) : 0f;
          float expected = (Math.max(l, r) - 0.1307f) / 0.3081f;
          assertEquals(expected, c.pixels()[i * 784 + y * 28 + x], 1e-6f, i + ": " + y + "," + x);
        }
      }
    }
  }

  @Test
  void theDefaultRecipeIsTheRandomPlacementAt36WithRawPixels() {
    IdxReader.Images items = patterned(12);
    byte[] labels = new byte[12];
    for (int i = 0; i < 12; i++) {
      labels[i] = (byte) (i % 10);
    }
    var a = MultiFashionGenerator.generate(items, labels, 40, 4);
    var b =
        MultiFashionGenerator.generate(items, labels, 40, 4, MultiFashionGenerator.Recipe.DEFAULT);
    assertArrayEquals(a.pixels(), b.pixels());
    assertEquals(36, a.size());
    for (float v : a.pixels()) {
      assertTrue(v >= 0f && v <= 1f);
    }
  }

  @Test
  void aRecipeRejectsImpossibleSizesAndStds() {
    var fixed = MultiFashionGenerator.Placement.FIXED;
    var every = MultiFashionGenerator.Pairing.EVERY_IMAGE;
    assertThrows(
        IllegalArgumentException.class,
        () -> new MultiFashionGenerator.Recipe(fixed, every, 37, 0f, 1f));
    assertThrows(
        IllegalArgumentException.class,
        () -> new MultiFashionGenerator.Recipe(fixed, every, 0, 0f, 1f));
    assertThrows(
        IllegalArgumentException.class,
        () -> new MultiFashionGenerator.Recipe(fixed, every, 28, 0f, 0f));
  }
}
