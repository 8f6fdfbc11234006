package org.mtl4j.api.nn;

import java.util.Arrays;
import java.util.Locale;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.UnaryOp;

/** Hidden-layer non-linearities by config name. */
public enum Activation {
  RELU(UnaryOp.RELU),
  GELU(UnaryOp.GELU),
  TANH(UnaryOp.TANH),
  SIGMOID(UnaryOp.SIGMOID),
  IDENTITY(null);

  private final UnaryOp op;

  Activation(UnaryOp op) {
    this.op = op;
  }

  public Var apply(Graph g, Var x) {
    return op == null ? x : g.unary(op, x);
  }

  /** The config name, e.g. {@code relu}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a config name, case-insensitively, with a message listing the accepted names. */
  public static Activation parse(String name) {
    for (Activation a : values()) {
      if (a.configName().equalsIgnoreCase(name)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "'"
            + name
            + "' is not one of "
            + String.join(
                ", ", Arrays.stream(values()).map(Activation::configName).toArray(String[]::new)));
  }
}
