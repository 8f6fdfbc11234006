package org.mtl4j.trainer.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.TaskConfig;

/**
 * The synthetic regression tasks of Ma et al., "Modeling Task Relationships in Multi-task Learning
 * with Multi-gate Mixture-of-Experts" (KDD 2018), whose correlation is controlled by {@code p}:
 * orthogonal unit vectors u1, u2; {@code w1 = c u1}, {@code w2 = c (p u1 + sqrt(1 - p^2) u2)};
 * {@code x ~ N(0, I)}; {@code y_i = w_i·x + Σ_{k=1..m} sin(α_k w_i·x + β_k) + ε}, {@code ε ~ N(0,
 * 0.01)}, with α_k, β_k ~ N(0, 1) shared by both tasks. Labels {@code task1}, {@code task2}.
 */
public final class SyntheticMmoeSource implements DataSource {

  @Override
  public String name() {
    return "synthetic-mmoe";
  }

  @Override
  public String description() {
    return "Synthetic tasks of Ma et al. 2018 (MMoE) with correlation p; labels task1, task2";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofDouble("correlation", 0.5, "task correlation p in [-1, 1]"),
        OptionSpec.ofInt("input_size", 100, "dimension d of x"),
        OptionSpec.ofInt("train_size", 10000, "training examples"),
        OptionSpec.ofInt("test_size", 2000, "test examples"),
        OptionSpec.ofDouble("scale", 1.0, "c, the norm of w1 and w2"),
        OptionSpec.ofInt("sinusoids", 10, "m, the number of sine terms"));
  }

  @Override
  public Optional<Map<String, Set<TaskType>>> labels() {
    Map<String, Set<TaskType>> m = new LinkedHashMap<>();
    m.put("task1", Set.of(TaskType.REGRESSION));
    m.put("task2", Set.of(TaskType.REGRESSION));
    return Optional.of(m);
  }

  @Override
  public Dataset load(Options o, List<TaskConfig> tasks, long seed) {
    double p = o.getDouble("correlation");
    int d = o.getInt("input_size");
    int m = o.getInt("sinusoids");
    if (p < -1 || p > 1) {
      throw Options.invalid("data.options", "correlation", p, "in [-1, 1]");
    }
    if (d < 2) {
      throw Options.invalid("data.options", "input_size", d, "an integer >= 2");
    }
    if (o.getInt("train_size") <= 0 || o.getInt("test_size") <= 0) {
      throw Options.invalid(
          "data.options",
          "train_size",
          o.getInt("train_size") + "/" + o.getInt("test_size"),
          "positive sizes (train_size and test_size)");
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    double c = o.getDouble("scale");
    double[] u1 = gaussian(rnd, d);
    normalise(u1);
    double[] u2 = gaussian(rnd, d);
    double proj = dot(u1, u2);
    for (int i = 0; i < d; i++) {
      u2[i] -= proj * u1[i];
    }
    normalise(u2);
    double[] w1 = new double[d];
    double[] w2 = new double[d];
    double q = Math.sqrt(Math.max(0, 1 - p * p));
    for (int i = 0; i < d; i++) {
      w1[i] = c * u1[i];
      w2[i] = c * (p * u1[i] + q * u2[i]);
    }
    double[] alpha = gaussian(rnd, m);
    double[] beta = gaussian(rnd, m);
    Examples train = sample(rnd, o.getInt("train_size"), d, w1, w2, alpha, beta, tasks);
    Examples test = sample(rnd, o.getInt("test_size"), d, w1, w2, alpha, beta, tasks);
    List<Task> built = new ArrayList<>();
    for (TaskConfig t : tasks) {
      built.add(TaskFactory.build(t, 1));
    }
    return new Dataset(built, Split.all(train), Split.all(test), Map.of());
  }

  private static Examples sample(
      SplittableRandom rnd,
      int n,
      int d,
      double[] w1,
      double[] w2,
      double[] alpha,
      double[] beta,
      List<TaskConfig> tasks) {
    float[] x = new float[n * d];
    float[] y1 = new float[n];
    float[] y2 = new float[n];
    double[] row = new double[d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        row[j] = gauss(rnd);
        x[i * d + j] = (float) row[j];
      }
      y1[i] = (float) label(dot(w1, row), alpha, beta, rnd);
      y2[i] = (float) label(dot(w2, row), alpha, beta, rnd);
    }
    Map<String, float[]> targets = new HashMap<>();
    for (TaskConfig t : tasks) {
      targets.put(t.name(), t.label().equals("task1") ? y1 : y2);
    }
    return new Examples(n, d, x, targets, Map.of());
  }

  private static double label(double wx, double[] alpha, double[] beta, SplittableRandom rnd) {
    double y = wx;
    for (int k = 0; k < alpha.length; k++) {
      y += Math.sin(alpha[k] * wx + beta[k]);
    }
    return y + 0.1 * gauss(rnd);
  }

  private static double[] gaussian(SplittableRandom rnd, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = gauss(rnd);
    }
    return v;
  }

  /** Box-Muller, one value per call (deterministic for a seed). */
  private static double gauss(SplittableRandom rnd) {
    double u = 1.0 - rnd.nextDouble();
    double v = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static void normalise(double[] v) {
    double n = Math.sqrt(dot(v, v));
    for (int i = 0; i < v.length; i++) {
      v[i] /= n;
    }
  }
}
