package org.mtl4j.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.opentest4j.AssertionFailedError;

/** The checker itself: it passes right gradients, catches wrong ones and restores its inputs. */
class GradientCheckTest {

  @Test
  void catchesAGradientThatIgnoresAPath() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE)) {
      Tensor x = b.fromHost(Shape.matrix(2, 2), new float[] {0.5f, -1f, 2f, 1.5f});
      // L = sum(x * stop_gradient(x)): analytic gradient x, true gradient 2x
      AssertionFailedError e =
          assertThrows(
              AssertionFailedError.class,
              () ->
                  GradientCheck.check(
                      b,
                      List.of(),
                      List.of(x),
                      (g, l) -> {
                        Tensor copy = b.allocate(x.shape());
                        b.copy(x, copy);
                        return g.sum(g.mul(l.get(0), g.constant(copy)));
                      }));
      assertTrue(e.getMessage().contains("leaf 0 [2, 2] element 0"), e.getMessage());
      assertTrue(e.getMessage().contains("4 of 4"), e.getMessage());
    }
  }

  @Test
  void catchesAWrongParameterGradientInFloat() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.FLOAT)) {
      Parameter p = new Parameter("w", b, Shape.row(3), new float[] {1f, 2f, -1f}, 1f, true);
      assertThrows(
          AssertionFailedError.class,
          () ->
              GradientCheck.check(
                  b,
                  List.of(p),
                  g -> {
                    Tensor frozen = b.allocate(p.shape());
                    b.copy(p.value(), frozen);
                    Var w = g.param(p);
                    return g.sum(g.mul(g.tanh(w), g.constant(frozen)));
                  }));
    }
  }

  @Test
  void passesAndRestoresValuesAndGradients() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.FLOAT)) {
      Parameter p = new Parameter("w", b, Shape.row(3), new float[] {0.3f, -0.2f, 0.1f}, 1f, true);
      b.upload(new float[] {7f, 8f, 9f}, p.grad());
      GradientCheck.Report r =
          GradientCheck.check(b, List.of(p), g -> g.sum(g.square(g.tanh(g.param(p)))));
      assertEquals(3, r.elementsChecked());
      assertTrue(r.maxError() < 1e-3, "float-precision error " + r.maxError());
      Tolerance.assertSameBits(
          "values restored", new float[] {0.3f, -0.2f, 0.1f}, b.toHost(p.value()));
      Tolerance.assertSameBits("gradients restored", new float[] {7f, 8f, 9f}, b.toHost(p.grad()));
    }
  }

  @Test
  void anAllZeroGradientChecksNothingAndFails() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE)) {
      Tensor x = b.fromHost(Shape.row(2), new float[] {1f, 2f});
      Tensor y = b.fromHost(Shape.row(2), new float[] {3f, 4f});
      GradientCheck.Report zero =
          GradientCheck.check(
              b,
              List.of(),
              List.of(x),
              (g, l) -> g.sum(g.constant(y)),
              GradientCheck.Settings.doublePrecision().withAllowAllZero(true));
      assertEquals(0.0, zero.maxAbsGradient());
      assertThrows(
          AssertionFailedError.class,
          () -> GradientCheck.check(b, List.of(), List.of(x), (g, l) -> g.sum(g.constant(y))));
    }
  }

  @Test
  void largeTensorsAreSampled() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE)) {
      Tensor x =
          b.fromHost(
              Shape.matrix(30, 30),
              TestData.uniform(new java.util.SplittableRandom(1), 900, -1, 1));
      GradientCheck.Report r =
          GradientCheck.check(
              b,
              List.of(),
              List.of(x),
              (g, l) -> g.sum(g.square(l.get(0))),
              GradientCheck.Settings.doublePrecision().withMaxElementsPerTensor(25));
      assertEquals(25, r.elementsChecked());
    }
  }
}
