package org.mtl4j.api.backend;

import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * The shape rules of {@link ComputeBackend} (same shape, exact shape, loss masks, index values,
 * probabilities), with the error messages every backend gives. Each method throws {@link
 * IllegalArgumentException} naming the operation and the shapes; {@link OpChecks} composes them
 * into one check per operation.
 */
public final class ShapeChecks {
  private ShapeChecks() {}

  /** The exception of every failed check: {@code "op: message"}. */
  public static IllegalArgumentException error(String op, String message) {
    return new IllegalArgumentException(op + ": " + message);
  }

  /** Checks that {@code a} and {@code b} have the same matrix shape ({@link Shape#sameMatrix}). */
  public static void sameShape(String op, Tensor a, String aName, Tensor b, String bName) {
    if (!a.shape().sameMatrix(b.shape())) {
      throw error(
          op,
          aName
              + " "
              + a.shape()
              + " and "
              + bName
              + " "
              + b.shape()
              + " must have the same shape");
    }
  }

  /** Checks that {@code t} is the matrix {@code [rows, cols]}. */
  public static void shapeIs(String op, Tensor t, String name, int rows, int cols) {
    Shape s = t.shape();
    if (s.rows() != rows || s.cols() != cols) {
      throw error(op, name + " is " + s + " but must be [" + rows + ", " + cols + "]");
    }
  }

  /** A loss mask: null, the shape of {@code x}, or a {@code [rows, 1]} column. */
  public static void mask(String op, Tensor x, Tensor mask) {
    if (mask == null) {
      return;
    }
    Shape s = mask.shape();
    if (s.sameMatrix(x.shape()) || (s.cols() == 1 && s.rows() == x.shape().rows())) {
      return;
    }
    throw error(
        op, "mask " + s + " must be null, " + x.shape() + " or [" + x.shape().rows() + ", 1]");
  }

  /** Checks a drop probability: {@code p} in {@code [0, 1)}. */
  public static void probability(String op, float p) {
    if (!(p >= 0f && p < 1f)) {
      throw error(op, "p must be in [0, 1), got " + p);
    }
  }

  /** Checks that an index value is integral and within {@code [0, limit)}. */
  public static int index(String op, int row, float value, int limit) {
    int i = (int) value;
    if (value != i || i < 0 || i >= limit) {
      throw error(
          op, "index " + value + " at row " + row + " is not an integer in [0, " + limit + ")");
    }
    return i;
  }
}
