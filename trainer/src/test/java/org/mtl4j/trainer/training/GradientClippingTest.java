package org.mtl4j.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.testing.ReferenceBackend;

class GradientClippingTest {
  @Test
  void scalesAllGradientsByTheGlobalNorm() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      Parameter p = new Parameter("p", b, Shape.row(2), new float[2], 1f, true);
      Parameter q = new Parameter("q", b, Shape.row(1), new float[1], 1f, true);
      b.upload(new float[] {3, 0}, p.grad());
      b.upload(new float[] {4}, q.grad());
      assertEquals(5.0, GradientClipping.clip(b, List.of(p, q), 10), 1e-9);
      assertArrayEquals(new float[] {3, 0}, b.toHost(p.grad()), "under the limit: unchanged");
      assertEquals(5.0, GradientClipping.clip(b, List.of(p, q), 1), 1e-9);
      assertArrayEquals(new float[] {0.6f, 0}, b.toHost(p.grad()), 1e-5f);
      assertArrayEquals(new float[] {0.8f}, b.toHost(q.grad()), 1e-5f);
    }
  }
}
