package org.mtl4j.api.autograd;

import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * A value recorded on a {@link Graph}: a tensor plus what is needed to differentiate through it.
 * Vars are created by the graph's operations; their tensors belong to the scope that was open when
 * the operation ran.
 */
public final class Var {
  final int id;
  final Tensor value;
  final boolean requiresGrad;
  final Parameter parameter;
  final Graph graph;

  Var(Graph graph, int id, Tensor value, boolean requiresGrad, Parameter parameter) {
    this.graph = graph;
    this.id = id;
    this.value = value;
    this.requiresGrad = requiresGrad;
    this.parameter = parameter;
  }

  public Tensor value() {
    return value;
  }

  public Shape shape() {
    return value.shape();
  }

  /** True when a gradient can flow to this var (it depends on a parameter or a grad leaf). */
  public boolean requiresGrad() {
    return requiresGrad;
  }

  /** The parameter this leaf stands for, or null. */
  public Parameter parameter() {
    return parameter;
  }

  @Override
  public String toString() {
    return "Var#" + id + value.shape() + (parameter != null ? " " + parameter.name() : "");
  }
}
