package org.mtl4j.api.sharing;

import java.util.Map;
import org.mtl4j.api.autograd.Var;

/**
 * What one forward pass of a {@link MultiTaskNetwork} produced.
 *
 * @param outputs each task's raw head output by task name
 * @param representation the shared representation every head reads (the trunk output of hard
 *     sharing), which gradient-balancing methods may differentiate with respect to instead of the
 *     shared parameters; null when the architecture has none
 */
public record NetworkOutput(Map<String, Var> outputs, Var representation) {
  public NetworkOutput {
    outputs = Map.copyOf(outputs);
  }

  public Var output(String task) {
    Var v = outputs.get(task);
    if (v == null) {
      throw new IllegalArgumentException("network has no output for task '" + task + "'");
    }
    return v;
  }
}
