package org.mtl4j.api.backend;

import java.util.function.IntToDoubleFunction;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * The shape rules of {@link ComputeBackend}, with the error messages every backend gives. Each
 * method throws {@link IllegalArgumentException} naming the operation and the shapes.
 */
public final class ShapeChecks {
  private ShapeChecks() {}

  public static IllegalArgumentException error(String op, String message) {
    return new IllegalArgumentException(op + ": " + message);
  }

  /**
   * The arguments of {@link ComputeBackend#uploadRows}: {@code src} and {@code rows} present,
   * {@code rows} at least as long as {@code dst} has rows, and every row index inside {@code src}
   * (a row-major matrix with {@code dst}'s column count).
   */
  public static void uploadRows(float[] src, int[] rows, Tensor dst) {
    String op = "uploadRows";
    if (src == null || rows == null || dst == null) {
      throw error(op, "src, rows and dst must not be null");
    }
    int n = dst.shape().rows();
    int d = dst.shape().cols();
    if (rows.length < n) {
      throw error(
          op, rows.length + " row indices for dst " + dst.shape() + ", expected at least " + n);
    }
    long available = d == 0 ? Long.MAX_VALUE : src.length / d;
    for (int i = 0; i < n; i++) {
      if (rows[i] < 0 || rows[i] >= available) {
        throw error(
            op,
            "row index "
                + rows[i]
                + " at position "
                + i
                + " is outside src's "
                + available
                + " rows of "
                + d
                + " values");
      }
    }
  }

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

  public static void shapeIs(String op, Tensor t, String name, int rows, int cols) {
    Shape s = t.shape();
    if (s.rows() != rows || s.cols() != cols) {
      throw error(op, name + " is " + s + " but must be [" + rows + ", " + cols + "]");
    }
  }

  /** Checks gemm operands and returns {@code {m, n, k}}. */
  public static int[] gemm(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
    int m = transA ? a.shape().cols() : a.shape().rows();
    int ka = transA ? a.shape().rows() : a.shape().cols();
    int kb = transB ? b.shape().cols() : b.shape().rows();
    int n = transB ? b.shape().rows() : b.shape().cols();
    String desc =
        "a "
            + a.shape()
            + (transA ? "^T" : "")
            + " x b "
            + b.shape()
            + (transB ? "^T" : "")
            + " -> c "
            + c.shape();
    if (ka != kb) {
      throw error("gemm", desc + ": inner dimensions " + ka + " and " + kb + " differ");
    }
    if (c.shape().rows() != m || c.shape().cols() != n) {
      throw error("gemm", desc + ": c must be [" + m + ", " + n + "]");
    }
    if (c == a || c == b) {
      throw error("gemm", desc + ": c must not be the same tensor as a or b");
    }
    return new int[] {m, n, ka};
  }

  /** The broadcast of {@code b} over {@code a}, checking {@code out} has the shape of {@code a}. */
  public static Broadcast binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    String name = OpNames.binary(op);
    sameShape(name, a, "a", out, "out");
    Shape sa = a.shape();
    Shape sb = b.shape();
    if (sb.sameMatrix(sa)) {
      return Broadcast.SAME;
    }
    if (sb.rows() == 1 && sb.cols() == 1) {
      return Broadcast.SCALAR;
    }
    if (sb.rows() == 1 && sb.cols() == sa.cols()) {
      return Broadcast.ROW;
    }
    if (sb.cols() == 1 && sb.rows() == sa.rows()) {
      return Broadcast.COLUMN;
    }
    throw error(
        name,
        "b "
            + sb
            + " cannot broadcast over a "
            + sa
            + " (expected "
            + sa
            + ", [1, "
            + sa.cols()
            + "], ["
            + sa.rows()
            + ", 1] or [1, 1])");
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

  public static void columns(Tensor src, int srcCol, Tensor dst, int dstCol, int count) {
    String desc =
        "src "
            + src.shape()
            + " cols ["
            + srcCol
            + ", "
            + (srcCol + count)
            + ") -> dst "
            + dst.shape()
            + " cols ["
            + dstCol
            + ", "
            + (dstCol + count)
            + ")";
    if (src.shape().rows() != dst.shape().rows()) {
      throw error("copyColumns", desc + ": row counts differ");
    }
    if (count < 0
        || srcCol < 0
        || dstCol < 0
        || srcCol + count > src.shape().cols()
        || dstCol + count > dst.shape().cols()) {
      throw error("copyColumns", desc + ": column range out of bounds");
    }
  }

  public static void probability(String op, float p) {
    if (!(p >= 0f && p < 1f)) {
      throw error(op, "p must be in [0, 1), got " + p);
    }
  }

  /**
   * The shapes of {@code unaryBackward(op, x, y, gradOut, gradIn)}: {@code y}, {@code gradOut} and
   * {@code gradIn} each shaped like {@code x}; {@code name} is {@link OpNames#unaryBackward}.
   */
  public static void unaryBackward(String name, Tensor x, Tensor y, Tensor gradOut, Tensor gradIn) {
    sameShape(name, x, "x", y, "y");
    sameShape(name, x, "x", gradOut, "gradOut");
    sameShape(name, x, "x", gradIn, "gradIn");
  }

  /**
   * The shapes of {@code gatherRows(table, indices, out)}: {@code indices} {@code [n, 1]}, {@code
   * out} {@code [n, table columns]}; returns n. The index values are checked by {@link
   * #rowIndices}.
   */
  public static int gatherRows(Tensor table, Tensor indices, Tensor out) {
    int n = indices.shape().rows();
    shapeIs("gatherRows", indices, "indices", n, 1);
    shapeIs("gatherRows", out, "out", n, table.shape().cols());
    return n;
  }

  /**
   * The shapes of {@code scatterAddRows(src, indices, table)}: {@code indices} {@code [n, 1]},
   * {@code src} {@code [n, table columns]}; returns n. The index values are checked by {@link
   * #rowIndices}.
   */
  public static int scatterAddRows(Tensor src, Tensor indices, Tensor table) {
    int n = indices.shape().rows();
    shapeIs("scatterAddRows", indices, "indices", n, 1);
    shapeIs("scatterAddRows", src, "src", n, table.shape().cols());
    return n;
  }

  /**
   * The {@code n} index values {@code value.applyAsDouble(i)} as rows of a table of {@code limit}
   * rows, each checked by {@link #index}: what {@code gatherRows} and {@code scatterAddRows} read,
   * before either writes anything.
   */
  public static int[] rowIndices(String op, IntToDoubleFunction value, int n, int limit) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = index(op, i, (float) value.applyAsDouble(i), limit);
    }
    return rows;
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
