package org.mtl4j.api.backend;

/**
 * Element-wise maps {@code y = f(x)} with their derivatives.
 *
 * <p>{@link #GELU} is the tanh approximation of Hendrycks and Gimpel, "Gaussian Error Linear Units
 * (GELUs)", 2016: {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, so that every backend
 * computes the same function without an erf implementation.
 */
public enum UnaryOp {
  RELU,
  SIGMOID,
  TANH,
  GELU,
  EXP,
  LOG,
  SQRT,
  SQUARE,
  ABS;

  static final double GELU_C = Math.sqrt(2.0 / Math.PI);
  static final double GELU_K = 0.044715;

  /** {@code f(x)} in double precision: the reference definition. */
  public double apply(double x) {
    return switch (this) {
      case RELU -> x > 0 ? x : (x != x ? x : 0.0);
      case SIGMOID -> x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
      case TANH -> Math.tanh(x);
      case GELU -> 0.5 * x * (1.0 + Math.tanh(GELU_C * (x + GELU_K * x * x * x)));
      case EXP -> Math.exp(x);
      case LOG -> Math.log(x);
      case SQRT -> Math.sqrt(x);
      case SQUARE -> x * x;
      case ABS -> Math.abs(x);
    };
  }

  /**
   * {@code f'(x)} in double precision, given {@code x} and {@code y = f(x)}: the reference
   * definition of {@link ComputeBackend#unaryBackward}. At the kink of RELU and ABS the derivative
   * is taken as 0.
   */
  public double derivative(double x, double y) {
    return switch (this) {
      case RELU -> x > 0 ? 1.0 : 0.0;
      case SIGMOID -> y * (1.0 - y);
      case TANH -> 1.0 - y * y;
      case GELU -> {
        double u = GELU_C * (x + GELU_K * x * x * x);
        double t = Math.tanh(u);
        double du = GELU_C * (1.0 + 3.0 * GELU_K * x * x);
        yield 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
      }
      case EXP -> y;
      case LOG -> 1.0 / x;
      case SQRT -> 0.5 / y;
      case SQUARE -> 2.0 * x;
      case ABS -> x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
    };
  }
}
