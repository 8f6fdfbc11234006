package org.mtl4j.api.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.testing.ReferenceBackend;

/**
 * SGD, Adam and AdamW against updates computed here by hand (PyTorch's formulas, in double with the
 * same float32 hyper-parameters), over three steps, with per-parameter learning-rate scales and
 * weight-decay flags; and the state round trip.
 */
class OptimizerTest {
  private static final float[][] GRADS = {{0.5f, -1f, 0.25f}, {-0.2f, 0.4f, 0f}, {1f, 1f, -0.5f}};
  private static final float[][] BIAS_GRADS = {{0.3f}, {-0.6f}, {0.1f}};

  private ReferenceBackend b;
  private Parameter w;
  private Parameter bias;

  @BeforeEach
  void setUp() {
    init(ReferenceBackend.Precision.DOUBLE);
  }

  private void init(ReferenceBackend.Precision precision) {
    b = new ReferenceBackend(precision);
    w = new Parameter("w", b, Shape.row(3), new float[] {1f, -2f, 0.5f}, 1f, true);
    bias = new Parameter("bias", b, Shape.row(1), new float[] {0.7f}, 2f, false);
  }

  @AfterEach
  void tearDown() {
    b.close();
  }

  private void setGrads(int step) {
    b.upload(GRADS[step], w.grad());
    b.upload(BIAS_GRADS[step], bias.grad());
  }

  private static double f(double x) {
    return (float) x;
  }

  private void assertValues(String what, double[] expected, Parameter p) {
    double[] actual = b.doubles(p.value());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12, what + " " + p.name() + "[" + i + "]");
    }
  }

  /** Hand SGD on one parameter: PyTorch's torch.optim.SGD. */
  private static double[] sgd(
      double[] p0, float[][] grads, double lr, double mom, double wd, boolean nesterov) {
    double[] p = p0.clone();
    double[] v = new double[p.length];
    for (float[] grad : grads) {
      for (int i = 0; i < p.length; i++) {
        double g = grad[i] + wd * p[i];
        if (mom != 0) {
          v[i] = mom * v[i] + g;
          g = nesterov ? g + mom * v[i] : v[i];
        }
        p[i] -= lr * g;
      }
    }
    return p;
  }

  @ParameterizedTest(name = "momentum={0} nesterov={1} weightDecay={2}")
  @CsvSource({"0,false,0", "0.9,false,0", "0.9,true,0.01", "0,false,0.1"})
  void sgdMatchesHandComputedUpdates(double momentum, boolean nesterov, double wd) {
    try (Sgd opt = new Sgd(b, 0.1, momentum, wd, nesterov)) {
      for (int s = 0; s < 3; s++) {
        setGrads(s);
        opt.step(List.of(w, bias));
      }
      assertEquals(3, opt.steps());
    }
    assertValues(
        "sgd", sgd(new double[] {1, -2, 0.5}, GRADS, f(0.1), f(momentum), f(wd), nesterov), w);
    // bias: learning-rate scale 2 and no weight decay
    assertValues(
        "sgd", sgd(new double[] {f(0.7f)}, BIAS_GRADS, f(0.2), f(momentum), 0, nesterov), bias);
  }

  /** Hand Adam on one parameter: PyTorch's torch.optim.Adam / AdamW. */
  private static double[] adam(
      double[] p0, float[][] grads, double lr, double wd, boolean decoupled) {
    double b1 = f(0.9);
    double b2 = f(0.999);
    double eps = f(1e-8);
    double[] p = p0.clone();
    double[] m = new double[p.length];
    double[] v = new double[p.length];
    for (int t = 1; t <= grads.length; t++) {
      for (int i = 0; i < p.length; i++) {
        double g = grads[t - 1][i];
        if (decoupled) {
          p[i] *= 1 - lr * wd;
        } else {
          g += wd * p[i];
        }
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        double mhat = m[i] / (1 - Math.pow(b1, t));
        double vhat = v[i] / (1 - Math.pow(b2, t));
        p[i] -= lr * mhat / (Math.sqrt(vhat) + eps);
      }
    }
    return p;
  }

  @ParameterizedTest(name = "decoupled={0} weightDecay={1}")
  @CsvSource({"false,0", "false,0.05", "true,0.05", "true,0"})
  void adamMatchesHandComputedUpdates(boolean decoupled, double wd) {
    try (Adam opt = new Adam(b, 0.01, 0.9, 0.999, 1e-8, wd, decoupled)) {
      for (int s = 0; s < 3; s++) {
        setGrads(s);
        opt.step(List.of(w, bias));
      }
    }
    assertValues("adam", adam(new double[] {1, -2, 0.5}, GRADS, f(0.01), f(wd), decoupled), w);
    assertValues("adam", adam(new double[] {f(0.7f)}, BIAS_GRADS, f(0.02), 0, decoupled), bias);
  }

  @Test
  void adamWithEveryParameterDecayedUsesTheFusedPath() {
    Parameter v = new Parameter("v", b, Shape.row(1), new float[] {0.7f}, 2f, true);
    try (Adam opt = new Adam(b, 0.01, 0.9, 0.999, 1e-8, 0.05, true)) {
      for (int s = 0; s < 3; s++) {
        setGrads(s);
        b.upload(BIAS_GRADS[s], v.grad());
        opt.step(List.of(w, v));
      }
    }
    assertValues("adamw", adam(new double[] {1, -2, 0.5}, GRADS, f(0.01), f(0.05), true), w);
    assertValues("adamw", adam(new double[] {f(0.7f)}, BIAS_GRADS, f(0.02), f(0.05), true), v);
  }

  @Test
  void learningRateChangesApplyToTheNextStep() {
    try (Sgd opt = new Sgd(b, 0.1, 0, 0, false)) {
      setGrads(0);
      opt.setLearningRate(0.5);
      assertEquals(0.5, opt.learningRate());
      opt.step(List.of(w));
      assertValues("sgd lr 0.5", new double[] {1 - 0.25, -2 + 0.5, 0.5 - 0.125}, w);
      assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(-1));
      assertThrows(IllegalArgumentException.class, () -> opt.setLearningRate(Double.NaN));
      opt.zeroGrad(List.of(w, bias));
      for (double g : b.doubles(w.grad())) {
        assertEquals(0.0, g);
      }
    }
  }

  private void checkStateRoundTrip(java.util.function.Supplier<Optimizer> make) {
    List<Parameter> ps = List.of(w, bias);
    Map<String, float[]> state;
    double[] w2;
    double[] b2;
    double[] expectedW;
    double[] expectedB;
    long steps;
    try (Optimizer a = make.get()) {
      for (int s = 0; s < 2; s++) {
        setGrads(s);
        a.step(ps);
      }
      state = a.state();
      w2 = b.doubles(w.value());
      b2 = b.doubles(bias.value());
      setGrads(2);
      a.step(ps);
      expectedW = b.doubles(w.value());
      expectedB = b.doubles(bias.value());
      steps = a.steps();
    }
    b.uploadDoubles(w2, w.value());
    b.uploadDoubles(b2, bias.value());
    try (Optimizer c = make.get()) {
      c.restore(state, ps);
      assertEquals(2, c.steps());
      setGrads(2);
      c.step(ps);
      assertEquals(steps, c.steps());
    }
    assertValues("restored", expectedW, w);
    assertValues("restored", expectedB, bias);
  }

  @Test
  void stateAndRestoreContinueIdentically() {
    // state() is float32, so the round trip is exact on float32 storage
    b.close();
    init(ReferenceBackend.Precision.FLOAT);
    checkStateRoundTrip(() -> new Sgd(b, 0.1, 0.9, 0.01, true));
    checkStateRoundTrip(() -> new Adam(b, 0.01, 0.9, 0.999, 1e-8, 0.05, true));
    checkStateRoundTrip(() -> Adam.defaults(b, 0.01));
  }

  @Test
  void stateHoldsStepsAndEverySlot() {
    try (Adam opt = Adam.defaults(b, 0.01)) {
      setGrads(0);
      opt.step(List.of(w, bias));
      Map<String, float[]> s = opt.state();
      assertEquals(List.of("steps", "w/m", "w/v", "bias/m", "bias/v"), List.copyOf(s.keySet()));
      assertEquals(3, s.get("w/m").length);
      assertEquals((float) (0.1 * 0.5), s.get("w/m")[0], 1e-7f);
    }
  }

  @Test
  void restoreRejectsIncompleteState() {
    try (Adam opt = Adam.defaults(b, 0.01)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> opt.restore(Map.of(), List.of(w)));
      assertTrue(e.getMessage().contains("'steps'"), e.getMessage());
      Map<String, float[]> bad = Map.of("steps", new float[2], "w/m", new float[2]);
      e = assertThrows(IllegalArgumentException.class, () -> opt.restore(bad, List.of(w)));
      assertTrue(e.getMessage().contains("w/m"), e.getMessage());
      assertTrue(e.getMessage().contains("expected 3"), e.getMessage());
    }
  }

  @Test
  void hyperParametersAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new Sgd(b, 0, 0, 0, false));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(b, 0.1, 1.0, 0, false));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(b, 0.1, 0, -1, false));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Sgd(b, 0.1, 0, 0, true));
    assertTrue(e.getMessage().contains("Nesterov"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new Adam(b, 0.1, 1.0, 0.999, 1e-8, 0, false));
    assertThrows(IllegalArgumentException.class, () -> new Adam(b, 0.1, 0.9, 0.999, 0, 0, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Adam(b, Double.POSITIVE_INFINITY, 0.9, 0.999, 1e-8, 0, false));
  }
}
