package org.mtl4j.api.tensor;

import java.util.Arrays;

/**
 * The dimensions of a {@link Tensor}, outermost first (row-major).
 *
 * <p>Backend primitives view every tensor as a matrix of {@link #rows()} x {@link #cols()}: the
 * last dimension is the column count and all leading dimensions are folded into rows. A row vector
 * is {@code [1, n]}, a column vector {@code [n, 1]} and a scalar {@code [1, 1]}.
 */
public final class Shape {
  private final int[] dims;

  private Shape(int[] dims) {
    if (dims.length == 0) {
      throw new IllegalArgumentException("a shape needs at least one dimension, got []");
    }
    long n = 1;
    for (int d : dims) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "shape dimensions must be positive, got " + Arrays.toString(dims));
      }
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
      }
    }
    this.dims = dims;
  }

  /** A shape with the given dimensions, each positive. */
  public static Shape of(int... dims) {
    return new Shape(dims.clone());
  }

  /** A {@code rows x cols} matrix shape. */
  public static Shape matrix(int rows, int cols) {
    return new Shape(new int[] {rows, cols});
  }

  /** The {@code [1, n]} row-vector shape. */
  public static Shape row(int n) {
    return matrix(1, n);
  }

  /** The {@code [n, 1]} column-vector shape. */
  public static Shape column(int n) {
    return matrix(n, 1);
  }

  /** The {@code [1, 1]} scalar shape. */
  public static Shape scalar() {
    return matrix(1, 1);
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int i) {
    return dims[i];
  }

  public int[] dims() {
    return dims.clone();
  }

  /** Product of all dimensions but the last. */
  public int rows() {
    int r = 1;
    for (int i = 0; i < dims.length - 1; i++) {
      r *= dims[i];
    }
    return r;
  }

  /** The last dimension. */
  public int cols() {
    return dims[dims.length - 1];
  }

  /** Number of elements. */
  public int size() {
    return rows() * cols();
  }

  public boolean isScalar() {
    return size() == 1;
  }

  /** True when both shapes describe the same {@code rows x cols} matrix. */
  public boolean sameMatrix(Shape other) {
    return rows() == other.rows() && cols() == other.cols();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.toString(dims);
  }
}
