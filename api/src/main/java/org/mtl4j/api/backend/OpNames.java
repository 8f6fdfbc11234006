package org.mtl4j.api.backend;

/**
 * The names of the parameterised ops in error messages ({@code "binary ADD"}, {@code "unary RELU"},
 * {@code "unaryBackward TANH"}), defined once for every backend and built once so the hot path
 * allocates no strings.
 */
public final class OpNames {
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

  /** {@code "binary " + op}; for a null op {@code "binary null"}. */
  public static String binary(BinaryOp op) {
    return op == null ? "binary null" : BINARY[op.ordinal()];
  }

  /** {@code "unary " + op}; for a null op {@code "unary null"}. */
  public static String unary(UnaryOp op) {
    return op == null ? "unary null" : UNARY[op.ordinal()];
  }

  /** {@code "unaryBackward " + op}; for a null op {@code "unaryBackward null"}. */
  public static String unaryBackward(UnaryOp op) {
    return op == null ? "unaryBackward null" : UNARY_BACKWARD[op.ordinal()];
  }
}
