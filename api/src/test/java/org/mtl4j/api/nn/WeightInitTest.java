package org.mtl4j.api.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.testing.ReferenceBackend;

/** The {@code model.init} schemes: their formulas, bias rules and seeding. */
class WeightInitTest {

  private static double variance(float[] w) {
    double s = 0;
    for (float v : w) {
      s += v * (double) v;
    }
    return s / w.length;
  }

  private static double maxAbs(float[] w) {
    double m = 0;
    for (float v : w) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  @Test
  void pytorchIsKaimingUniformWithASqrt5ForWeightAndFanInUniformForBias() {
    int in = 400;
    int out = 50;
    float[] w = Init.PYTORCH.sample(in, out, 3L);
    double b = 1 / Math.sqrt(in);
    // U(-b, b): variance b^2 / 3, the bound reached within a few percent
    assertEquals(b * b / 3, variance(w), 0.03 * b * b / 3);
    assertTrue(maxAbs(w) <= b && maxAbs(w) > 0.99 * b, "bound " + maxAbs(w) + " vs " + b);
    float[] bias = Init.fanInUniform(20_000, in, 4L);
    assertEquals(b * b / 3, variance(bias), 0.03 * b * b / 3);
    assertTrue(maxAbs(bias) <= b);
  }

  @Test
  void schemesChooseTheInitPerLayerAndTheBiasRule() {
    assertSame(WeightInit.Scheme.PYTORCH, WeightInit.DEFAULT.scheme());
    WeightInit auto = new WeightInit(WeightInit.Scheme.AUTO, WeightInit.Bias.DEFAULT);
    assertSame(Init.HE_UNIFORM, auto.hidden(Activation.RELU));
    assertSame(Init.XAVIER_UNIFORM, auto.hidden(Activation.TANH));
    assertSame(Init.XAVIER_UNIFORM, auto.output());
    assertFalse(auto.uniformBias());
    WeightInit pt = new WeightInit(WeightInit.Scheme.PYTORCH, WeightInit.Bias.DEFAULT);
    assertSame(Init.PYTORCH, pt.hidden(Activation.RELU));
    assertSame(Init.PYTORCH, pt.output());
    assertTrue(pt.uniformBias());
    assertFalse(new WeightInit(WeightInit.Scheme.PYTORCH, WeightInit.Bias.ZERO).uniformBias());
    WeightInit hn = new WeightInit(WeightInit.Scheme.HE_NORMAL, WeightInit.Bias.DEFAULT);
    assertSame(Init.HE_NORMAL, hn.hidden(Activation.TANH));
    assertSame(Init.HE_NORMAL, hn.output());
    assertFalse(hn.uniformBias());
    assertTrue(
        new WeightInit(WeightInit.Scheme.XAVIER_NORMAL, WeightInit.Bias.UNIFORM).uniformBias());
    assertEquals(
        List.of("auto", "pytorch", "he-uniform", "he-normal", "xavier-uniform", "xavier-normal"),
        WeightInit.Scheme.names());
    assertSame(WeightInit.Scheme.XAVIER_UNIFORM, WeightInit.Scheme.parse("xavier-uniform"));
    assertEquals(null, WeightInit.Scheme.parse("kaiming"));
  }

  @Test
  void anMlpDrawsItsLayersFromTheSchemeOnTheHostFromTheSeed() {
    WeightInit pt = new WeightInit(WeightInit.Scheme.PYTORCH, WeightInit.Bias.DEFAULT);
    try (ReferenceBackend b = new ReferenceBackend();
        Mlp m = new Mlp(b, "t", 5, List.of(7), 3, Activation.RELU, 0f, false, 11L, 1f, pt);
        Mlp same = new Mlp(b, "t", 5, List.of(7), 3, Activation.RELU, 0f, false, 11L, 1f, pt);
        Mlp auto =
            new Mlp(
                b,
                "t",
                5,
                List.of(7),
                3,
                Activation.RELU,
                0f,
                false,
                11L,
                1f,
                new WeightInit(WeightInit.Scheme.AUTO, WeightInit.Bias.DEFAULT));
        Mlp byDefault = new Mlp(b, "t", 5, List.of(7), 3, Activation.RELU, 0f, false, 11L, 1f)) {
      Linear hidden = m.linears().get(0);
      Linear out = m.linears().get(1);
      long s0 = CounterRng.derive(11L, 0);
      assertArrayEquals(Init.PYTORCH.sample(5, 7, s0), b.toHost(hidden.weight().value()));
      assertArrayEquals(
          Init.PYTORCH.sample(7, 3, CounterRng.derive(11L, 1)), b.toHost(out.weight().value()));
      float[] bias = b.toHost(hidden.bias().value());
      assertTrue(maxAbs(bias) > 0 && maxAbs(bias) <= 1 / Math.sqrt(5), "uniform bias");
      assertArrayEquals(bias, b.toHost(same.linears().get(0).bias().value()));
      // without a scheme the layers take the default, pytorch
      assertArrayEquals(
          b.toHost(hidden.weight().value()), b.toHost(byDefault.linears().get(0).weight().value()));
      assertArrayEquals(bias, b.toHost(byDefault.linears().get(0).bias().value()));
      // auto: He-uniform before ReLU, Xavier-uniform output, zero bias
      assertArrayEquals(
          Init.HE_UNIFORM.sample(5, 7, s0), b.toHost(auto.linears().get(0).weight().value()));
      assertArrayEquals(
          Init.XAVIER_UNIFORM.sample(7, 3, CounterRng.derive(11L, 1)),
          b.toHost(auto.linears().get(1).weight().value()));
      assertArrayEquals(new float[7], b.toHost(auto.linears().get(0).bias().value()));
    }
  }
}
