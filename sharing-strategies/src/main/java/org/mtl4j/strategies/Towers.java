package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.LayerStack;
import org.mtl4j.api.nn.Mlp;
import org.mtl4j.api.nn.Module;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.task.Task;

/**
 * Builds the parts every strategy is made of from a {@link NetworkSpec}: the per-task tower (head)
 * and the shared part (a trunk, column or expert), each either an MLP of the spec's sizes or the
 * spec's layer list ({@link LayerStack}).
 */
final class Towers {
  private Towers() {}

  /**
   * The tower of task number {@code t}, named {@code tower.<task>}, reading {@code in} columns: the
   * {@code towerHidden} MLP and its output layer, or the spec's tower layer list over the
   * representation followed by a linear output layer of {@code task.outputSize()} (layer {@code
   * tower.size()} of the stack).
   */
  static Module tower(
      ComputeBackend backend, NetworkSpec spec, Task task, int t, int in, long seed) {
    if (!spec.tower().isEmpty()) {
      List<LayerSpec> layers = new ArrayList<>(spec.tower());
      layers.add(new LayerSpec.Dense(task.outputSize()));
      return LayerStack.build(
          backend,
          "tower." + task.name(),
          layers,
          spec.representationShape(),
          spec.init(),
          Seeds.tower(seed, t),
          1f);
    }
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

  /**
   * The shared part over the network input, named {@code name}: the hidden-size MLP ({@link
   * #hidden}), or the trunk layer list over {@link NetworkSpec#inputShape()}, whose output is given
   * as {@code [N, representationSize]} rows ({@link FlatRows}) even where it ends in an image.
   */
  static Module shared(ComputeBackend backend, NetworkSpec spec, String name, long seed) {
    if (!spec.layered()) {
      return hidden(backend, spec, name, spec.inputSize(), seed);
    }
    return new FlatRows(
        LayerStack.build(backend, name, spec.trunk(), spec.inputShape(), spec.init(), seed, 1f));
  }

  /**
   * The weight of every linear and convolutional layer of {@code m} (residual blocks' included), in
   * layer order: the parameters named {@code *.weight}. Batch-norm scales ({@code *.gamma}), biases
   * and norms are left out. This is what soft sharing couples and where hard sharing's last shared
   * weight is.
   */
  static List<Parameter> weights(Module m) {
    return weights(m.parameters());
  }

  /** The weights among {@code parameters}, as {@link #weights(Module)}. */
  static List<Parameter> weights(List<Parameter> parameters) {
    List<Parameter> ws = new ArrayList<>();
    for (Parameter p : parameters) {
      if (p.name().endsWith(".weight")) {
        ws.add(p);
      }
    }
    return ws;
  }

  /**
   * The weight of the last linear or convolutional layer on the main path of {@code parameters} (a
   * residual block's second convolution, not its shortcut projection), or null without one: where
   * GradNorm measures per-task gradient norms.
   */
  static Parameter lastWeight(List<Parameter> parameters) {
    List<Parameter> ws = weights(parameters);
    for (int i = ws.size() - 1; i >= 0; i--) {
      if (!ws.get(i).name().contains(".shortcut.")) {
        return ws.get(i);
      }
    }
    return null;
  }
}
