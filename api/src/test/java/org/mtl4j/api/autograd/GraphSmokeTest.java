package org.mtl4j.api.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Mlp;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

class GraphSmokeTest {
  @Test
  void mlpCrossEntropyGradientMatchesFiniteDifferences() {
    try (ReferenceBackend b = new ReferenceBackend(ReferenceBackend.Precision.DOUBLE)) {
      Mlp mlp = new Mlp(b, "m", 3, List.of(4), 3, Activation.TANH, 0f, true, 7L, 1f);
      Tensor x = b.fromHost(Shape.matrix(2, 3), new float[] {0.1f, -0.4f, 0.9f, 1.2f, 0.3f, -0.7f});
      Tensor y = b.fromHost(Shape.column(2), new float[] {2, 0});
      java.util.function.DoubleSupplier loss =
          () -> {
            try (TensorScope s = b.openScope()) {
              Graph g = new Graph(b, 1);
              Var l = g.softmaxCrossEntropy(mlp.forward(g, g.constant(x), Mode.TRAIN), y, null);
              return b.doubles(l.value())[0];
            }
          };
      try (TensorScope s = b.openScope()) {
        Graph g = new Graph(b, 1);
        Var out = mlp.forward(g, g.constant(x), Mode.TRAIN);
        Var l = g.softmaxCrossEntropy(out, y, null);
        g.backward(l);
        Parameter w = mlp.parameters().get(0);
        Map<Var, Tensor> viaGrad = g.grad(l, List.of(g.param(w)));
        double[] gw = b.doubles(w.grad());
        double[] gw2 = b.doubles(viaGrad.get(g.param(w)));
        double[] wv = b.doubles(w.value());
        for (int i = 0; i < wv.length; i++) {
          double h = 1e-6;
          double[] p = wv.clone();
          p[i] += h;
          b.uploadDoubles(p, w.value());
          double lp = loss.getAsDouble();
          p[i] -= 2 * h;
          b.uploadDoubles(p, w.value());
          double lm = loss.getAsDouble();
          b.uploadDoubles(wv, w.value());
          double fd = (lp - lm) / (2 * h);
          assertEquals(fd, gw[i], 1e-7, "weight " + i);
          assertEquals(gw[i], gw2[i], 1e-12, "grad() vs backward() at " + i);
        }
      }
    }
  }
}
