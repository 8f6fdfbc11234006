package org.mtl4j.api.backend;

/** Element-wise binary operations {@code out = a (op) b}, with {@code b} possibly broadcast. */
public enum BinaryOp {
  ADD,
  SUB,
  MUL,
  DIV,
  MAX,
  MIN;

  /** Applies the operation to two scalars: the definition every backend must match. */
  public float apply(float a, float b) {
    return switch (this) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case MAX -> (a != a || b != b) ? Float.NaN : Math.max(a, b);
      case MIN -> (a != a || b != b) ? Float.NaN : Math.min(a, b);
    };
  }
}
