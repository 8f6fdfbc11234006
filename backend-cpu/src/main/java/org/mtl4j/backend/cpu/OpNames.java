package org.mtl4j.backend.cpu;

import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.UnaryOp;

/** Operation names for error messages, built once so the hot path allocates no strings. */
final class OpNames {
  private static final String[] BINARY = names("binary ", BinaryOp.values());
  private static final String[] UNARY = names("unary ", UnaryOp.values());
  private static final String[] UNARY_BACKWARD = names("unaryBackward ", UnaryOp.values());

  private OpNames() {}

  private static String[] names(String prefix, Enum<?>[] values) {
    String[] out = new String[values.length];
    for (Enum<?> v : values) {
      out[v.ordinal()] = prefix + v;
    }
    return out;
  }

  static String binary(BinaryOp op) {
    return BINARY[op.ordinal()];
  }

  static String unary(UnaryOp op) {
    return UNARY[op.ordinal()];
  }

  static String unaryBackward(UnaryOp op) {
    return UNARY_BACKWARD[op.ordinal()];
  }
}
