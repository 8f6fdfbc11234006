package org.mtl4j.api.task;

import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.tensor.Tensor;

/**
 * A task's training loss: the mean over labelled samples of the per-sample loss, as a [1, 1] var.
 */
@FunctionalInterface
public interface Loss {

  /**
   * @param output the task head's raw output (logits for classification)
   * @param target targets in the layout of the task's {@link TaskType}
   * @param mask {@code [n, 1]} 1 for samples that carry a label for this task, or null for all
   */
  Var apply(Graph g, Var output, Tensor target, Tensor mask);
}
