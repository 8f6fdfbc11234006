package org.mtl4j.api.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * Finite-difference gradient checking of {@link Graph} operations, layers and whole networks.
 *
 * <p>The objective is a function that records a scalar loss on a fresh graph. The checker computes
 * the analytic gradient with respect to the given parameters and leaf tensors twice, through {@link
 * Graph#backward(Var)} into {@link Parameter#grad()} and through {@link Graph#grad(Var, List)}, and
 * compares both with central differences {@code (L(x + h) - L(x - h)) / 2h}, element by element:
 * {@code |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|)}.
 *
 * <h2>Precision</h2>
 *
 * <ul>
 *   <li>{@link Settings#doublePrecision()} on {@code ReferenceBackend(DOUBLE)}: {@code h = 1e-6},
 *       rtol 1e-6, atol 1e-8. Values are perturbed and read in double, so this is a tight check of
 *       the backward formulas.
 *   <li>{@link Settings#floatPrecision()} on any backend: {@code h = 1e-2}, rtol 2e-2, atol 1e-3.
 *       Float32 rounding of the loss (about 1e-7 relative) divided by 2h bounds the noise to about
 *       1e-5, and the truncation error {@code h^2 f'''/6} to about 2e-5 for smooth objectives of
 *       unit scale; the bounds leave room for both. The step actually taken is {@code fl(x + h) -
 *       x}, not h. Objectives checked in float must be smooth at the scale of h (tanh, sigmoid,
 *       gelu rather than relu near its kink).
 * </ul>
 *
 * <p>The objective must be deterministic: every evaluation uses a graph with the same seed, so
 * dropout masks repeat. Parameter gradients and the values of parameters and leaves are restored
 * afterwards. Unless {@link Settings#allowAllZero()} is set, a check in which every analytic and
 * numeric gradient is exactly zero fails, because it checked nothing.
 */
public final class GradientCheck {
  private GradientCheck() {}

  /** Records a scalar ({@code [1, 1]}) loss on {@code g}; {@code leaves} are the leaf vars. */
  @FunctionalInterface
  public interface Objective {
    Var loss(Graph g, List<Var> leaves);
  }

  /**
   * How to check.
   *
   * @param step the finite-difference step h
   * @param rtol relative tolerance
   * @param atol absolute tolerance
   * @param maxElementsPerTensor elements checked per tensor; larger tensors are sampled (seeded)
   * @param graphSeed the seed of every graph the objective runs on
   * @param allowAllZero whether an all-zero gradient is acceptable (e.g. a fully masked loss)
   */
  public record Settings(
      double step,
      double rtol,
      double atol,
      int maxElementsPerTensor,
      long graphSeed,
      boolean allowAllZero) {

    /** For {@code ReferenceBackend(DOUBLE)}. */
    public static Settings doublePrecision() {
      return new Settings(1e-6, 1e-6, 1e-8, 200, 17L, false);
    }

    /** For float32 backends. */
    public static Settings floatPrecision() {
      return new Settings(1e-2, 2e-2, 1e-3, 40, 17L, false);
    }

    /** Double precision for {@code ReferenceBackend(DOUBLE)}, float precision otherwise. */
    public static Settings forBackend(ComputeBackend backend) {
      return isDouble(backend) ? doublePrecision() : floatPrecision();
    }

    public Settings withAllowAllZero(boolean allow) {
      return new Settings(step, rtol, atol, maxElementsPerTensor, graphSeed, allow);
    }

    public Settings withMaxElementsPerTensor(int max) {
      return new Settings(step, rtol, atol, max, graphSeed, allowAllZero);
    }

    public Settings withTolerance(double rtol, double atol) {
      return new Settings(step, rtol, atol, maxElementsPerTensor, graphSeed, allowAllZero);
    }
  }

  /**
   * What a check compared.
   *
   * @param elementsChecked number of scalar gradient entries compared
   * @param maxAbsGradient the largest analytic gradient entry seen, in absolute value
   * @param maxError the largest {@code |analytic - numeric|} seen
   * @param loss the objective at the unperturbed point
   */
  public record Report(int elementsChecked, double maxAbsGradient, double maxError, double loss) {}

  /** Checks the parameters only, with settings for the backend. */
  public static Report check(
      ComputeBackend backend,
      List<Parameter> parameters,
      java.util.function.Function<Graph, Var> f) {
    return check(
        backend, parameters, List.of(), (g, leaves) -> f.apply(g), Settings.forBackend(backend));
  }

  /** Checks parameters and leaves with settings for the backend. */
  public static Report check(
      ComputeBackend backend, List<Parameter> parameters, List<Tensor> leaves, Objective f) {
    return check(backend, parameters, leaves, f, Settings.forBackend(backend));
  }

  private static boolean isDouble(ComputeBackend b) {
    return b instanceof ReferenceBackend r && r.precision() == ReferenceBackend.Precision.DOUBLE;
  }

  private static double[] read(ComputeBackend b, Tensor t) {
    if (isDouble(b)) {
      return ((ReferenceBackend) b).doubles(t);
    }
    float[] f = b.toHost(t);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static void write(ComputeBackend b, double[] v, Tensor t) {
    if (isDouble(b)) {
      ((ReferenceBackend) b).uploadDoubles(v, t);
      return;
    }
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    b.upload(f, t);
  }

  /** The value actually stored for {@code x} on this backend. */
  private static double stored(ComputeBackend b, double x) {
    return isDouble(b) ? x : (double) (float) x;
  }

  private static double evaluate(
      ComputeBackend backend, Objective f, List<Tensor> leaves, Settings s) {
    try (TensorScope scope = backend.openScope()) {
      Graph g = new Graph(backend, s.graphSeed());
      List<Var> leafVars = new ArrayList<>();
      for (Tensor t : leaves) {
        leafVars.add(g.leaf(t));
      }
      Var loss = f.loss(g, leafVars);
      if (loss.shape().size() != 1) {
        throw new IllegalArgumentException(
            "gradient check: the objective must be a [1, 1] var, got " + loss.shape());
      }
      return read(backend, loss.value())[0];
    }
  }

  /**
   * Compares analytic and numeric gradients of {@code f} with respect to every parameter and leaf
   * tensor; fails with the worst offending entries.
   */
  public static Report check(
      ComputeBackend backend,
      List<Parameter> parameters,
      List<Tensor> leaves,
      Objective f,
      Settings s) {
    int np = parameters.size();
    List<Tensor> targets = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Parameter p : parameters) {
      targets.add(p.value());
      names.add("parameter " + p.name());
    }
    for (int i = 0; i < leaves.size(); i++) {
      targets.add(leaves.get(i));
      names.add("leaf " + i + " " + leaves.get(i).shape());
    }
    List<double[]> savedGrads = new ArrayList<>();
    for (Parameter p : parameters) {
      savedGrads.add(read(backend, p.grad()));
      backend.fill(p.grad(), 0f);
    }
    List<double[]> viaBackward = new ArrayList<>();
    List<double[]> viaGrad = new ArrayList<>();
    double loss0;
    try {
      try (TensorScope scope = backend.openScope()) {
        Graph g = new Graph(backend, s.graphSeed());
        List<Var> leafVars = new ArrayList<>();
        for (Tensor t : leaves) {
          leafVars.add(g.leaf(t));
        }
        Var loss = f.loss(g, leafVars);
        loss0 = read(backend, loss.value())[0];
        List<Var> wrt = new ArrayList<>();
        for (Parameter p : parameters) {
          wrt.add(g.param(p));
        }
        wrt.addAll(leafVars);
        g.backward(loss);
        Map<Var, Tensor> grads = g.grad(loss, wrt);
        for (int i = 0; i < targets.size(); i++) {
          viaGrad.add(read(backend, grads.get(wrt.get(i))));
          viaBackward.add(i < np ? read(backend, parameters.get(i).grad()) : null);
        }
      }
    } finally {
      for (int i = 0; i < np; i++) {
        write(backend, savedGrads.get(i), parameters.get(i).grad());
      }
    }

    SplittableRandom pick = new SplittableRandom(s.graphSeed());
    List<String> failures = new ArrayList<>();
    int checked = 0;
    double maxGrad = 0;
    double maxErr = 0;
    boolean anyNonZero = false;
    for (int ti = 0; ti < targets.size(); ti++) {
      Tensor t = targets.get(ti);
      double[] original = read(backend, t);
      int n = original.length;
      int cols = t.shape().cols();
      int[] elements = sample(n, s.maxElementsPerTensor(), pick);
      double[] x = original.clone();
      try {
        for (int e : elements) {
          double plus = stored(backend, original[e] + s.step());
          double minus = stored(backend, original[e] - s.step());
          x[e] = plus;
          write(backend, x, t);
          double lp = evaluate(backend, f, leaves, s);
          x[e] = minus;
          write(backend, x, t);
          double lm = evaluate(backend, f, leaves, s);
          x[e] = original[e];
          double numeric = (lp - lm) / (plus - minus);
          double[] analytic =
              viaBackward.get(ti) == null
                  ? new double[] {viaGrad.get(ti)[e]}
                  : new double[] {viaBackward.get(ti)[e], viaGrad.get(ti)[e]};
          String[] how = {viaBackward.get(ti) == null ? "grad()" : "backward()", "grad()"};
          for (int k = 0; k < analytic.length; k++) {
            double a = analytic[k];
            double err = Math.abs(a - numeric);
            double tol = s.atol() + s.rtol() * Math.max(Math.abs(a), Math.abs(numeric));
            maxGrad = Math.max(maxGrad, Math.abs(a));
            maxErr = Math.max(maxErr, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
            anyNonZero |= a != 0 || numeric != 0;
            if (!(err <= tol)) {
              failures.add(
                  names.get(ti)
                      + " element "
                      + e
                      + " (row "
                      + (e / cols)
                      + ", col "
                      + (e % cols)
                      + "): "
                      + how[k]
                      + " "
                      + a
                      + " vs numeric "
                      + numeric
                      + " (error "
                      + err
                      + " > "
                      + tol
                      + ")");
            }
          }
          checked++;
        }
      } finally {
        write(backend, original, t);
      }
    }
    if (!failures.isEmpty()) {
      fail(
          "gradient check failed for "
              + failures.size()
              + " of "
              + checked
              + " entries (loss "
              + loss0
              + ", settings "
              + s
              + "):\n  "
              + String.join("\n  ", failures.subList(0, Math.min(12, failures.size()))));
    }
    if (!anyNonZero && !s.allowAllZero() && checked > 0) {
      fail(
          "gradient check: every gradient entry is exactly 0 (loss "
              + loss0
              + "); the objective does not depend on what was checked");
    }
    return new Report(checked, maxGrad, maxErr, loss0);
  }

  private static int[] sample(int n, int max, SplittableRandom rng) {
    if (n <= max) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    for (int i = 0; i < max; i++) {
      int j = i + rng.nextInt(n - i);
      int tmp = idx[i];
      idx[i] = idx[j];
      idx[j] = tmp;
    }
    int[] out = java.util.Arrays.copyOf(idx, max);
    java.util.Arrays.sort(out);
    return out;
  }
}
