package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Init;
import org.mtl4j.api.nn.Linear;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.nn.Module;

/**
 * One task's example-conditioned DSelect-k gate (Hazimeh, Zhao, Chowdhery, Sathiamoorthy, Chen,
 * Mazumder, Hong and Chi, "DSelect-k: Differentiable Selection in the Mixture of Experts with
 * Applications to Multi-Task Learning", NeurIPS 2021, §3). With n experts and {@code m = ⌈log2 n⌉},
 * each of the k selectors reads logits {@code z_i = x W_zi + b_zi ∈ R^m} and assigns expert j
 * (binary code {@code b(j)}, most significant bit first) the weight {@code r_i(z_i)_j = Π_l (b_l(j)
 * ? S(z_il) : 1 − S(z_il))}, where S is the cubic smooth-step
 *
 * <pre>S(t) = 0 (t ≤ −γ/2),  −2t³/γ³ + 3t/(2γ) + 1/2 (|t| < γ/2),  1 (t ≥ γ/2).</pre>
 *
 * The gate is {@code q(x) = Σ_i softmax(x W_α + b_α)_i r_i(z_i)}: a convex combination of k
 * single-expert selectors, exactly k-sparse once every {@code z_il} has left (−γ/2, γ/2).
 *
 * <p>S is recorded as {@code c = relu(t + γ/2) − relu(t − γ/2) − γ/2} (t clipped to [−γ/2, γ/2])
 * followed by the cubic, which equals S with its exact derivative (the cubic's slope is 0 at ±γ/2).
 * Initialisation as in the authors' code: {@code W_z, b_z ~ U(−γ/100, γ/100)} (every selector
 * starts in the smooth region), {@code W_α, b_α ~ U(−0.05, 0.05)}.
 */
final class DSelectGate {
  private final int experts;
  private final int selectors;
  private final int bits;
  private final float gamma;
  private final Linear logits;
  private final Linear selectorWeights;

  /** The gate's output: the expert weights {@code [n, experts]} and each selector's r_i. */
  record Selection(Var weights, List<Var> selectors) {}

  DSelectGate(
      ComputeBackend backend,
      String name,
      int in,
      int experts,
      int selectors,
      double gamma,
      long zSeed,
      long alphaSeed) {
    this.experts = experts;
    this.selectors = selectors;
    this.bits = bitsFor(experts);
    this.gamma = (float) gamma;
    Linear z = null;
    try {
      z = uniform(backend, name + ".z", in, selectors * bits, gamma / 100, zSeed);
      this.logits = z;
      this.selectorWeights = uniform(backend, name + ".alpha", in, selectors, 0.05, alphaSeed);
    } catch (RuntimeException e) {
      if (z != null) {
        z.close();
      }
      throw e;
    }
  }

  /** {@code m = ⌈log2 n⌉}, at least 1. */
  static int bitsFor(int experts) {
    int m = 1;
    while ((1 << m) < experts) {
      m++;
    }
    return m;
  }

  private static Linear uniform(
      ComputeBackend backend, String name, int in, int out, double bound, long seed) {
    Linear l = new Linear(backend, name, in, out, true, Init.ZEROS, seed, 1f);
    SplittableRandom rng = new SplittableRandom(seed);
    for (Parameter p : l.parameters()) {
      float[] v = new float[p.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
      }
      backend.upload(v, p.value());
    }
    return l;
  }

  List<Parameter> parameters() {
    List<Parameter> ps = new ArrayList<>(logits.parameters());
    ps.addAll(selectorWeights.parameters());
    return ps;
  }

  List<Module> modules() {
    return List.of(logits, selectorWeights);
  }

  /** Records the smooth-step S(t) element-wise. */
  static Var smoothStep(Graph g, Var t, float gamma) {
    float h = gamma / 2;
    Var c = g.addScalar(g.sub(g.relu(g.addScalar(t, h)), g.relu(g.addScalar(t, -h))), -h);
    Var cubic = g.mul(c, g.square(c));
    return g.addScalar(
        g.add(g.scale(cubic, -2f / (gamma * gamma * gamma)), g.scale(c, 3f / (2 * gamma))), 0.5f);
  }

  /** S(t) on the host, for tests and reports. */
  static double smoothStep(double t, double gamma) {
    if (t <= -gamma / 2) {
      return 0;
    }
    if (t >= gamma / 2) {
      return 1;
    }
    return -2 * t * t * t / (gamma * gamma * gamma) + 3 * t / (2 * gamma) + 0.5;
  }

  /** Records the gate for the {@code [n, in]} input. */
  Selection select(Graph g, Var x, Mode mode) {
    Var s = smoothStep(g, logits.forward(g, x, mode), gamma);
    Var off = g.addScalar(g.scale(s, -1f), 1f);
    List<Var> rs = new ArrayList<>(selectors);
    for (int i = 0; i < selectors; i++) {
      Var[] on = new Var[bits];
      Var[] offs = new Var[bits];
      for (int l = 0; l < bits; l++) {
        on[l] = g.sliceColumns(s, i * bits + l, 1);
        offs[l] = g.sliceColumns(off, i * bits + l, 1);
      }
      List<Var> columns = new ArrayList<>(experts);
      for (int j = 0; j < experts; j++) {
        Var r = null;
        for (int l = 0; l < bits; l++) {
          Var f = ((j >> (bits - 1 - l)) & 1) == 1 ? on[l] : offs[l];
          r = r == null ? f : g.mul(r, f);
        }
        columns.add(r);
      }
      rs.add(g.concatColumns(columns));
    }
    Var alpha = g.softmax(selectorWeights.forward(g, x, mode));
    return new Selection(Mixtures.gated(g, rs, alpha), rs);
  }
}
