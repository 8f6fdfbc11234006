package org.mtl4j.strategies;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

/** Reading, writing and comparing parameters and outputs in tests. */
final class Weights {
  private Weights() {}

  static Parameter named(MultiTaskNetwork net, String name) {
    for (Parameter p : net.parameters()) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no parameter " + name + " in " + net.parameters());
  }

  static void copy(ReferenceBackend b, Parameter from, Parameter to) {
    if (!from.shape().equals(to.shape())) {
      throw new AssertionError(from + " vs " + to);
    }
    b.uploadDoubles(b.doubles(from.value()), to.value());
  }

  /** Each task's output (EVAL mode) as host arrays. */
  static Map<String, float[]> outputs(ReferenceBackend b, MultiTaskNetwork net, Tensor x) {
    try (TensorScope s = b.openScope()) {
      Graph g = new Graph(b, 1);
      NetworkOutput out = net.forward(g, g.constant(x), Mode.EVAL);
      Map<String, float[]> m = new HashMap<>();
      net.tasks().forEach(t -> m.put(t.name(), b.toHost(out.output(t.name()).value())));
      return m;
    }
  }

  static double penalty(ReferenceBackend b, MultiTaskNetwork net) {
    try (TensorScope s = b.openScope()) {
      return b.doubles(net.penalty(new Graph(b, 1)).orElseThrow().value())[0];
    }
  }

  static List<String> names(List<Parameter> ps) {
    return ps.stream().map(Parameter::name).toList();
  }
}
