package org.mtl4j.api.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Element-wise comparison of float results against an oracle with a relative plus absolute
 * tolerance, {@code |actual - expected| <= atol + rtol * scale}, where the scale is {@code
 * |expected|} or, for accumulating operations, the sum of the absolute values of the terms (so that
 * cancellation does not make the bound unreachable in float32).
 *
 * <p>NaN must meet NaN and an infinity must meet the same infinity. Failure messages give the first
 * offending element with its row and column, and how many elements are off.
 */
public final class Tolerance {
  private Tolerance() {}

  /** {@code |a - e| <= atol + rtol * |e|} for every element. */
  public static void assertClose(
      String what, float[] expected, float[] actual, int cols, double rtol, double atol) {
    double[] scale = new double[expected.length];
    for (int i = 0; i < scale.length; i++) {
      scale[i] = Math.abs(expected[i]);
    }
    assertClose(what, expected, actual, cols, scale, rtol, atol);
  }

  /** {@code |a - e| <= atol + rtol * scale[i]} for every element. */
  public static void assertClose(
      String what,
      float[] expected,
      float[] actual,
      int cols,
      double[] scale,
      double rtol,
      double atol) {
    if (actual.length < expected.length) {
      fail(what + ": " + actual.length + " values, expected " + expected.length);
    }
    int bad = 0;
    String first = null;
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      boolean ok;
      double tol = atol + rtol * (Double.isFinite(scale[i]) ? scale[i] : 0);
      if (Double.isNaN(e)) {
        ok = Double.isNaN(a);
      } else if (Double.isInfinite(e)) {
        ok = a == e;
      } else {
        ok = Math.abs(a - e) <= tol;
      }
      if (!ok) {
        if (first == null) {
          first =
              "element "
                  + i
                  + " (row "
                  + (i / cols)
                  + ", col "
                  + (i % cols)
                  + "): expected "
                  + e
                  + " but was "
                  + a
                  + " (tolerance "
                  + tol
                  + ")";
        }
        bad++;
      }
    }
    if (bad > 0) {
      fail(what + ": " + bad + " of " + expected.length + " elements differ; first: " + first);
    }
  }

  /** Every element has exactly the same bits (NaNs compare equal to NaNs). */
  public static void assertSameBits(String what, float[] expected, float[] actual) {
    if (actual.length != expected.length) {
      fail(what + ": " + actual.length + " values, expected " + expected.length);
    }
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
        fail(
            what
                + ": element "
                + i
                + " differs: "
                + expected[i]
                + " (0x"
                + Integer.toHexString(Float.floatToRawIntBits(expected[i]))
                + ") vs "
                + actual[i]
                + " (0x"
                + Integer.toHexString(Float.floatToRawIntBits(actual[i]))
                + ")");
      }
    }
  }

  /** {@code |a - e| <= atol + rtol * |e|} for doubles (NaN meets NaN, infinities must match). */
  public static void assertClose(
      String what, double expected, double actual, double rtol, double atol) {
    boolean ok;
    if (Double.isNaN(expected)) {
      ok = Double.isNaN(actual);
    } else if (Double.isInfinite(expected)) {
      ok = actual == expected;
    } else {
      ok = Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
    if (!ok) {
      fail(
          what
              + ": expected "
              + expected
              + " but was "
              + actual
              + " (rtol "
              + rtol
              + ", atol "
              + atol
              + ")");
    }
  }
}
