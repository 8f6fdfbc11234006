package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.nn.Parameter;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

/**
 * Central finite differences of Σ_t L_t + Ω with respect to every parameter entry, in double
 * precision on the reference backend, against {@link Graph#backward}. The graph seed is fixed, so
 * dropout draws the same masks in every evaluation.
 */
final class GradChecks {
  private GradChecks() {}

  static void check(
      BiFunction<ReferenceBackend, Long, MultiTaskNetwork> builder,
      int inputSize,
      List<Task> tasks,
      Mode mode,
      double tolerance) {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = builder.apply(b, 21L);
        TensorScope s = b.openScope()) {
      Tensor x = Fixtures.inputs(b, 4, inputSize, 8);
      Map<String, Tensor> y = Fixtures.targets(b, tasks, 4, 9);
      for (Parameter p : net.parameters()) {
        b.fill(p.grad(), 0f);
      }
      try (TensorScope step = b.openScope()) {
        Graph g = new Graph(b, 77);
        g.backward(Fixtures.objective(g, net, x, y, mode));
      }
      int checked = 0;
      for (Parameter p : net.parameters()) {
        double[] analytic = b.doubles(p.grad());
        double[] w = b.doubles(p.value());
        for (int i = 0; i < w.length; i++) {
          double h = 1e-6;
          double[] q = w.clone();
          q[i] = w[i] + h;
          b.uploadDoubles(q, p.value());
          double up = value(b, net, x, y, mode);
          q[i] = w[i] - h;
          b.uploadDoubles(q, p.value());
          double down = value(b, net, x, y, mode);
          b.uploadDoubles(w, p.value());
          double fd = (up - down) / (2 * h);
          assertEquals(
              fd,
              analytic[i],
              tolerance * Math.max(1, Math.abs(fd)),
              p.name() + "[" + i + "]");
          checked++;
        }
      }
      assertTrue(checked > 0, "no parameter checked");
    }
  }

  private static double value(
      ReferenceBackend b, MultiTaskNetwork net, Tensor x, Map<String, Tensor> y, Mode mode) {
    try (TensorScope step = b.openScope()) {
      Graph g = new Graph(b, 77);
      return b.doubles(Fixtures.objective(g, net, x, y, mode).value())[0];
    }
  }
}
