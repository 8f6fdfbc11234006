package org.mtl4j.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * The reference image primitives agree with PyTorch (float64) to 1e-9 on the inputs and results of
 * {@code torch_image_fixtures.py}, which wrote {@code torch-image-fixtures.txt}: convolution with
 * stride, padding, dilation and bias and its gradients, max pooling (values, indices, gradient),
 * average pooling, batch norm in training (with the running statistics PyTorch keeps) and in
 * evaluation mode, with their gradients.
 */
class ReferenceImageOpsTest {
  private static final ReferenceBackend REF =
      new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
  private static final Map<String, double[]> TORCH = new HashMap<>();

  @BeforeAll
  static void load() throws IOException {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(
                ReferenceImageOpsTest.class.getResourceAsStream("torch-image-fixtures.txt"),
                StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String[] f = line.trim().split(" ");
        TORCH.put(f[0], Arrays.stream(f, 1, f.length).mapToDouble(Double::parseDouble).toArray());
      }
    }
  }

  @AfterAll
  static void close() {
    REF.close();
  }

  /** The fixture formula: {@code sin(0.37 i + a) cos(0.11 i)}. */
  private static double[] data(int n, double a) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = Math.sin(0.37 * i + a) * Math.cos(0.11 * i);
    }
    return v;
  }

  private static Tensor t(Shape s, double[] v) {
    Tensor x = REF.allocate(s);
    REF.uploadDoubles(v, x);
    return x;
  }

  private static void assertTorch(String name, Tensor actual) {
    double[] expected = TORCH.get(name);
    assertNotNull(expected, name);
    double[] a = REF.doubles(actual);
    assertEquals(expected.length, a.length, name + " length");
    for (int i = 0; i < a.length; i++) {
      assertEquals(expected[i], a[i], 1e-9 * (1 + Math.abs(expected[i])), name + " element " + i);
    }
  }

  @Test
  void convolutionMatchesTorch() {
    Conv2dParams p = new Conv2dParams(2, 1, 1, 2, 1, 2);
    Tensor x = t(Shape.of(2, 3, 7, 6), data(252, 0.1));
    Tensor w = t(Shape.of(4, 3, 3, 3), data(108, 0.2));
    Tensor b = t(Shape.row(4), data(4, 0.3));
    Tensor y = REF.allocate(Shape.of(2, 4, 4, 6));
    REF.conv2d(x, w, b, p, y);
    assertTorch("conv.out", y);
    Tensor g = t(y.shape(), data(y.shape().size(), 0.4));
    Tensor dx = REF.allocate(x.shape());
    REF.conv2dBackwardInput(g, w, p, dx);
    assertTorch("conv.dx", dx);
    Tensor dw = REF.allocate(w.shape());
    Tensor db = REF.allocate(b.shape());
    REF.conv2dBackwardWeight(x, g, p, 0f, dw, db);
    assertTorch("conv.dw", dw);
    assertTorch("conv.db", db);
  }

  @Test
  void poolingMatchesTorch() {
    Pool2dParams p = Pool2dParams.of(3, 2, 1);
    Tensor x = t(Shape.of(2, 2, 7, 9), data(252, 0.5));
    Shape os = Shape.of(2, 2, 4, 5);
    Tensor y = REF.allocate(os);
    Tensor idx = REF.allocate(os);
    REF.maxPool2d(x, p, y, idx);
    assertTorch("maxpool.out", y);
    assertTorch("maxpool.idx", idx);
    Tensor dx = REF.allocate(x.shape());
    REF.maxPool2dBackward(t(os, data(os.size(), 0.6)), idx, dx);
    assertTorch("maxpool.dx", dx);
    REF.avgPool2d(x, p, y);
    assertTorch("avgpool.out", y);
    REF.avgPool2dBackward(t(os, data(os.size(), 0.7)), p, dx);
    assertTorch("avgpool.dx", dx);
  }

  @Test
  void batchNormMatchesTorch() {
    Shape xs = Shape.of(3, 2, 4, 5);
    Tensor x = t(xs, data(120, 0.8));
    double[] gv = data(2, 0.9);
    Tensor gamma = t(Shape.row(2), new double[] {1 + 0.5 * gv[0], 1 + 0.5 * gv[1]});
    Tensor beta = t(Shape.row(2), data(2, 1.0));
    Tensor rm = t(Shape.row(2), data(2, 1.1));
    double[] rvv = data(2, 1.2);
    Tensor rv =
        t(Shape.row(2), new double[] {1 + 0.5 * Math.abs(rvv[0]), 1 + 0.5 * Math.abs(rvv[1])});
    Tensor y = REF.allocate(xs);
    Tensor mean = REF.allocate(Shape.row(2));
    Tensor invStd = REF.allocate(Shape.row(2));
    REF.batchNorm2dTraining(x, gamma, beta, 1e-5f, 0.1f, rm, rv, y, mean, invStd);
    assertTorch("bn.out", y);
    assertTorch("bn.running_mean", rm);
    assertTorch("bn.running_var", rv);
    Tensor g = t(xs, data(120, 1.3));
    Tensor dx = REF.allocate(xs);
    Tensor dg = REF.allocate(Shape.row(2));
    Tensor db = REF.allocate(Shape.row(2));
    REF.batchNorm2dBackward(x, g, gamma, mean, invStd, true, dx, dg, db);
    assertTorch("bn.dx", dx);
    assertTorch("bn.dgamma", dg);
    assertTorch("bn.dbeta", db);

    REF.batchNorm2dInference(x, gamma, beta, rm, rv, 1e-5f, y);
    assertTorch("bneval.out", y);
    double[] var = REF.doubles(rv);
    Tensor fixedInvStd =
        t(
            Shape.row(2),
            new double[] {1 / Math.sqrt(var[0] + 1e-5f), 1 / Math.sqrt(var[1] + 1e-5f)});
    REF.batchNorm2dBackward(x, g, gamma, rm, fixedInvStd, false, dx, dg, db);
    assertTorch("bneval.dx", dx);
    assertTorch("bneval.dgamma", dg);
    assertTorch("bneval.dbeta", db);
  }
}
