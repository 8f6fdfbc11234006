package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.GradientCheck;
import org.mtl4j.api.testing.ReferenceBackend;

/**
 * Finite-difference check of Σ_t L_t + Ω with respect to every entry of every parameter of a whole
 * network, in double precision on the reference backend, through the testkit's {@link
 * GradientCheck}.
 */
final class GradChecks {
  private GradChecks() {}

  static void check(
      BiFunction<ReferenceBackend, Long, MultiTaskNetwork> builder,
      int inputSize,
      List<Task> tasks,
      Mode mode) {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
        MultiTaskNetwork net = builder.apply(b, 21L);
        TensorScope s = b.openScope()) {
      Tensor x = Fixtures.inputs(b, 4, inputSize, 8);
      Map<String, Tensor> y = Fixtures.targets(b, tasks, 4, 9);
      int entries = net.parameters().stream().mapToInt(Parameter::size).sum();
      GradientCheck.Report r =
          GradientCheck.check(
              b,
              net.parameters(),
              List.of(),
              (g, leaves) -> Fixtures.objective(g, net, x, y, mode),
              GradientCheck.Settings.doublePrecision().withMaxElementsPerTensor(Integer.MAX_VALUE));
      assertEquals(entries, r.elementsChecked());
      assertTrue(r.maxAbsGradient() > 0, "all-zero gradient");
    }
  }
}
