package org.mtl4j.api.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeTest {

  @Test
  void matrixViewFoldsLeadingDimensions() {
    Shape s = Shape.of(2, 3, 4);
    assertEquals(3, s.rank());
    assertEquals(6, s.rows());
    assertEquals(4, s.cols());
    assertEquals(24, s.size());
    assertTrue(s.sameMatrix(Shape.matrix(6, 4)));
    assertFalse(s.sameMatrix(Shape.matrix(4, 6)));
    assertNotEquals(s, Shape.matrix(6, 4), "equality compares dimensions, not the matrix view");
    Shape v = Shape.of(7);
    assertEquals(1, v.rows());
    assertEquals(7, v.cols());
  }

  @Test
  void factories() {
    assertEquals(Shape.of(1, 5), Shape.row(5));
    assertEquals(Shape.of(5, 1), Shape.column(5));
    assertEquals(Shape.of(1, 1), Shape.scalar());
    assertTrue(Shape.scalar().isScalar());
    assertFalse(Shape.row(2).isScalar());
    assertEquals("[3, 4]", Shape.matrix(3, 4).toString());
    assertEquals(Shape.matrix(3, 4).hashCode(), Shape.of(3, 4).hashCode());
  }

  @Test
  void dimensionsAreCopied() {
    int[] dims = {2, 3};
    Shape s = Shape.of(dims);
    dims[0] = 99;
    assertEquals(2, s.dim(0));
    s.dims()[1] = 99;
    assertArrayEquals(new int[] {2, 3}, s.dims());
  }

  @Test
  void invalidShapesAreRejectedWithTheDimensions() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(3, 0));
    assertTrue(e.getMessage().contains("[3, 0]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Shape.matrix(-2, 4));
    assertTrue(e.getMessage().contains("[-2, 4]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Shape.of());
    assertTrue(e.getMessage().contains("at least one dimension"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Shape.matrix(65536, 65536));
    assertTrue(e.getMessage().contains("2^31-1"), e.getMessage());
    assertEquals(Integer.MAX_VALUE, Shape.matrix(1, Integer.MAX_VALUE).size());
  }
}
