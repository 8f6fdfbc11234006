package org.mtl4j.weighting;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * MoCo, multi-objective gradient correction (Fernando, Shen, Liu, Chaudhury, Murugesan and Chen,
 * "Mitigating Gradient Bias in Multi-objective Learning: A Provably Convergent Approach", ICLR
 * 2023, Algorithm 1 as in LibMTL): each task's gradient is tracked by a running estimate y_t, which
 * removes the bias of stochastic MGDA, and the simplex weights λ take one step per training step:
 *
 * <pre>
 *   ĝ_t = L_t g_t / (‖g_t‖ + 1e-8),
 *   y_t ← y_t − β_k (y_t − ĝ_t),                     β_k = β / k^{β_σ},
 *   λ   ← Π_Δ(λ − γ_k (Y Y^T + ρ I) λ),             γ_k = γ / k^{γ_σ},
 *   d   = Σ_t λ_t y_t,
 * </pre>
 *
 * with k the 1-based step and Π_Δ the projection onto the simplex ({@link Simplex}; LibMTL uses a
 * softmax instead, which pulls λ back towards uniform weights every step).
 *
 * <p>The y_t are themselves a momentum average of the gradients (the paper's x-step is plain x ← x
 * − α d). Under an optimiser with its own momentum (Adam's β1 = 0.9) the two averages compound: on
 * MultiFashion (3000 composites, 3 epochs, hard sharing, Adam lr 1e-3) the defaults reach 0.36/0.27
 * left/right accuracy with β1 = 0.9 but 0.48/0.47 with β1 = 0; with β = 1, β_σ = 0 (no tracking)
 * 0.46/0.42. The y_t live on the device (one vector of the shared parameters' size per task) and,
 * with λ and k, are the method's state: a checkpoint holds them (T times the shared parameter
 * count, as doubles). Representation gradients are not supported: the representation's shape
 * follows the batch size, so no running estimate of it exists across batches.
 */
final class MomentumCorrection extends GradientBalancing {
  private static final String LAMBDA = "moco.lambda";
  private static final String STEP = "moco.step";
  private static final String TRACKED = "moco.y.";

  private final ComputeBackend backend;
  private final double beta;
  private final double betaSigma;
  private final double gamma;
  private final double gammaSigma;
  private final double rho;
  private final double[] lambda;
  private final double[] scaled;
  private long k;
  private List<List<Tensor>> tracked;
  private Map<String, double[]> pending;

  MomentumCorrection(
      int taskCount,
      ComputeBackend backend,
      double beta,
      double betaSigma,
      double gamma,
      double gammaSigma,
      double rho) {
    super(taskCount, false, "moco");
    this.backend = backend;
    this.beta = beta;
    this.betaSigma = betaSigma;
    this.gamma = gamma;
    this.gammaSigma = gammaSigma;
    this.rho = rho;
    this.lambda = new double[taskCount];
    java.util.Arrays.fill(lambda, 1.0 / taskCount);
    this.scaled = new double[taskCount];
  }

  @Override
  double[] coefficients(double[][] gram, double[] losses, WeightingStep step) {
    throw new UnsupportedOperationException("moco combines its tracked gradients");
  }

  @Override
  double[] combine(TaskGradients gradients, WeightingStep step, List<Tensor> targets) {
    int t = gradients.taskCount();
    if (tracked == null) {
      allocate(gradients);
    }
    k++;
    double[][] gram = gradients.gram();
    double[] losses = step.lossValues();
    double betaK = beta / Math.pow(k, betaSigma);
    double gammaK = gamma / Math.pow(k, gammaSigma);
    for (int i = 0; i < t; i++) {
      double c = betaK * losses[i] / (Math.sqrt(Math.max(gram[i][i], 0)) + 1e-8);
      List<Tensor> g = gradients.parts(i);
      List<Tensor> y = tracked.get(i);
      for (int p = 0; p < g.size(); p++) {
        backend.axpby((float) c, g.get(p), (float) (1 - betaK), y.get(p));
      }
    }
    TaskGradients y = new TaskGradients(backend, tracked);
    double[][] yy = y.gram();
    for (int i = 0; i < t; i++) {
      double s = rho * lambda[i];
      for (int j = 0; j < t; j++) {
        s += yy[i][j] * lambda[j];
      }
      scaled[i] = s;
    }
    for (int i = 0; i < t; i++) {
      lambda[i] -= gammaK * scaled[i];
    }
    Simplex.projectInPlace(lambda, scaled);
    y.addCombination(lambda, targets);
    return lambda.clone();
  }

  private void allocate(TaskGradients gradients) {
    List<List<Tensor>> all = new ArrayList<>();
    try {
      for (int i = 0; i < gradients.taskCount(); i++) {
        List<Tensor> parts = new ArrayList<>();
        all.add(parts);
        for (Tensor g : gradients.parts(i)) {
          parts.add(backend.persistentZeros(g.shape()));
        }
      }
    } catch (RuntimeException e) {
      all.forEach(l -> l.forEach(Tensor::close));
      throw e;
    }
    tracked = all;
    if (pending != null) {
      upload(pending);
      pending = null;
    }
  }

  @Override
  public Map<String, double[]> state() {
    Map<String, double[]> s = new HashMap<>();
    s.put(LAMBDA, lambda.clone());
    s.put(STEP, new double[] {k});
    if (tracked != null) {
      for (int i = 0; i < tracked.size(); i++) {
        int n = 0;
        for (Tensor p : tracked.get(i)) {
          n += p.shape().size();
        }
        double[] flat = new double[n];
        int off = 0;
        for (Tensor p : tracked.get(i)) {
          float[] h = backend.toHost(p);
          for (float v : h) {
            flat[off++] = v;
          }
        }
        s.put(TRACKED + i, flat);
      }
    } else if (pending != null) {
      pending.forEach((key, v) -> s.putIfAbsent(key, v.clone()));
    }
    return s;
  }

  @Override
  public void restore(Map<String, double[]> state) {
    System.arraycopy(
        Checks.stateEntry(state, LAMBDA, lambda.length, "moco"), 0, lambda, 0, lambda.length);
    k = (long) Checks.stateEntry(state, STEP, 1, "moco")[0];
    Map<String, double[]> ys = new HashMap<>();
    for (int i = 0; i < lambda.length; i++) {
      double[] v = state.get(TRACKED + i);
      if (v != null) {
        ys.put(TRACKED + i, v.clone());
      }
    }
    if (ys.isEmpty()) {
      return; // saved before the first step
    }
    if (tracked == null) {
      pending = ys;
    } else {
      upload(ys);
    }
  }

  private void upload(Map<String, double[]> ys) {
    for (int i = 0; i < tracked.size(); i++) {
      double[] flat = ys.get(TRACKED + i);
      int n = 0;
      for (Tensor p : tracked.get(i)) {
        n += p.shape().size();
      }
      if (flat == null || flat.length != n) {
        throw new IllegalArgumentException(
            "moco: state entry '"
                + TRACKED
                + i
                + "' is "
                + (flat == null ? "missing" : "of length " + flat.length)
                + ", expected "
                + n
                + " values (the shared parameters' size)");
      }
      int off = 0;
      for (Tensor p : tracked.get(i)) {
        float[] h = new float[p.shape().size()];
        for (int j = 0; j < h.length; j++) {
          h[j] = (float) flat[off++];
        }
        backend.upload(h, p);
      }
    }
  }

  @Override
  public void close() {
    if (tracked != null) {
      tracked.forEach(l -> l.forEach(Tensor::close));
      tracked = null;
    }
  }
}
