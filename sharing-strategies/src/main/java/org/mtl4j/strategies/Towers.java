package org.mtl4j.strategies;

import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Mlp;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.task.Task;

/** Builds the per-task tower (head): the spec's tower layers, then the task's output layer. */
final class Towers {
  private Towers() {}

  /** The tower of task number {@code t}, named {@code tower.<task>}, reading {@code in} columns. */
  static Mlp tower(ComputeBackend backend, NetworkSpec spec, Task task, int t, int in, long seed) {
    return new Mlp(
        backend,
        "tower." + task.name(),
        in,
        spec.towerHidden(),
        task.outputSize(),
        spec.activation(),
        (float) spec.dropout(),
        spec.layerNorm(),
        Seeds.tower(seed, t),
        1f,
        spec.init());
  }

  /** A stack of the spec's hidden layers without output layer (a trunk, column or expert). */
  static Mlp hidden(ComputeBackend backend, NetworkSpec spec, String name, int in, long seed) {
    return new Mlp(
        backend,
        name,
        in,
        spec.hidden(),
        0,
        spec.activation(),
        (float) spec.dropout(),
        spec.layerNorm(),
        seed,
        1f,
        spec.init());
  }
}
