package org.mtl4j.trainer.data;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.TaskConfig;

/**
 * Standardisation of regression targets: each regression task (with {@code standardize: true}, the
 * default) is trained on {@code z = (y - mean) / std}, with the mean and the population standard
 * deviation of each target column over the labelled training rows (std 1 for a constant column).
 * Without it a target measured in tens of thousands gives an MSE many orders of magnitude above a
 * cross-entropy beside it and swamps every other task's gradient (see Kendall et al., CVPR 2018, on
 * loss scales in multi-task learning). Reports map back with {@code y = z * std + mean}.
 *
 * <p>The statistics are part of the data set's preprocessing (key {@value #KEY}, written to {@code
 * checkpoint.json}), so {@code predict} answers in original units; training, baselines, affinity
 * analysis and Spark shards all read the scaled targets from {@link Examples}, which carry this
 * scaling for the {@code Evaluator} to undo.
 */
public final class TargetScaling {
  /** The preprocessing key of the statistics. */
  public static final String KEY = "target_scaling";

  /** No task scaled. */
  public static final TargetScaling NONE = new TargetScaling(Map.of());

  /** One task's statistics, one entry per target column. */
  public record Stats(double[] mean, double[] std) {}

  private final Map<String, Stats> byTask;

  private TargetScaling(Map<String, Stats> byTask) {
    this.byTask = Map.copyOf(byTask);
  }

  /**
   * Fits the statistics on the training rows of {@code data} for every task whose config asks for
   * it and returns the data set with scaled targets (training and test rows, both with the training
   * statistics) and the statistics added to its preprocessing. Unchanged when no task is scaled.
   */
  public static Dataset standardize(Dataset data, List<TaskConfig> configs) {
    Map<String, Stats> stats = new LinkedHashMap<>();
    for (int t = 0; t < data.tasks().size(); t++) {
      Task task = data.tasks().get(t);
      TaskConfig c = configs.get(t);
      if (c.standardized()) {
        stats.put(task.name(), fit(data.train(), task));
      }
    }
    if (stats.isEmpty()) {
      return data;
    }
    TargetScaling s = new TargetScaling(stats);
    Map<Examples, Examples> scaled = new IdentityHashMap<>();
    Split train = s.scale(data.train(), data.tasks(), scaled);
    Split test = s.scale(data.test(), data.tasks(), scaled);
    Map<String, Object> pre = new LinkedHashMap<>(data.preprocessing());
    pre.put(KEY, s.toMap());
    return new Dataset(data.tasks(), train, test, pre);
  }

  /**
   * The tasks as a checkpoint was trained: a regression task is standardised exactly when the
   * checkpoint's preprocessing holds its statistics, whatever the config says now. A checkpoint
   * written before target scaling existed holds none, so its tasks train, evaluate and resume on
   * raw targets as they were trained.
   */
  public static List<TaskConfig> asTrained(
      List<TaskConfig> tasks, Map<String, Object> checkpointPreprocessing) {
    TargetScaling stored = of(checkpointPreprocessing);
    return tasks.stream()
        .map(
            t ->
                t.withStandardize(
                    t.type() == TaskType.REGRESSION && stored.stats(t.name()) != null))
        .toList();
  }

  /** The statistics stored in a preprocessing map (a checkpoint's), or {@link #NONE}. */
  public static TargetScaling of(Map<String, Object> preprocessing) {
    if (!(preprocessing.get(KEY) instanceof Map<?, ?> m)) {
      return NONE;
    }
    Map<String, Stats> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Map<?, ?> v = (Map<?, ?>) e.getValue();
      out.put((String) e.getKey(), new Stats(doubles(v.get("mean")), doubles(v.get("std"))));
    }
    return new TargetScaling(out);
  }

  private static double[] doubles(Object list) {
    List<?> l = (List<?>) list;
    double[] d = new double[l.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = ((Number) l.get(i)).doubleValue();
    }
    return d;
  }

  /** JSON-ready: {@code {task: {mean: [..], std: [..]}}}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    byTask.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              Map<String, Object> v = new LinkedHashMap<>();
              v.put("mean", list(e.getValue().mean()));
              v.put("std", list(e.getValue().std()));
              m.put(e.getKey(), v);
            });
    return m;
  }

  private static List<Double> list(double[] d) {
    List<Double> l = new ArrayList<>();
    for (double x : d) {
      l.add(x);
    }
    return l;
  }

  /** The statistics of a task, or null when its targets are not scaled. */
  public Stats stats(String task) {
    return byTask.get(task);
  }

  /**
   * A task's values in original units: {@code rows x columns} scaled values (network outputs or
   * targets) mapped back with {@code z * std + mean}; the input itself when the task is not scaled.
   */
  public float[] unscale(String task, float[] z, int rows) {
    Stats s = byTask.get(task);
    if (s == null) {
      return z;
    }
    int k = s.mean().length;
    float[] y = new float[rows * k];
    for (int i = 0; i < rows * k; i++) {
      int j = i % k;
      y[i] = (float) (z[i] * s.std()[j] + s.mean()[j]);
    }
    return y;
  }

  private static Stats fit(Split train, Task task) {
    Examples ex = train.examples();
    int k = task.targetColumns();
    float[] y = ex.targets(task.name());
    float[] mask = ex.mask(task.name());
    double[] mean = new double[k];
    double[] m2 = new double[k];
    long n = 0;
    for (int r : train.rows()) {
      if (mask != null && mask[r] == 0f) {
        continue;
      }
      n++;
      for (int j = 0; j < k; j++) {
        // Welford's update: stable for targets far from zero
        double v = y[r * k + j];
        double d = v - mean[j];
        mean[j] += d / n;
        m2[j] += d * (v - mean[j]);
      }
    }
    double[] std = new double[k];
    for (int j = 0; j < k; j++) {
      double sd = n == 0 ? 0 : Math.sqrt(m2[j] / n);
      std[j] = sd > 0 && Double.isFinite(sd) ? sd : 1.0;
      if (n == 0) {
        mean[j] = 0;
      }
    }
    return new Stats(mean, std);
  }

  private Split scale(Split split, List<Task> tasks, Map<Examples, Examples> done) {
    Examples ex = split.examples();
    Examples out = done.get(ex);
    if (out == null) {
      Map<String, float[]> targets = new LinkedHashMap<>();
      Map<String, float[]> masks = new LinkedHashMap<>();
      for (Task t : tasks) {
        float[] y = ex.targets(t.name());
        Stats s = byTask.get(t.name());
        if (s != null) {
          int k = s.mean().length;
          float[] z = new float[y.length];
          for (int i = 0; i < y.length; i++) {
            int j = i % k;
            z[i] = (float) ((y[i] - s.mean()[j]) / s.std()[j]);
          }
          y = z;
        }
        targets.put(t.name(), y);
        if (ex.mask(t.name()) != null) {
          masks.put(t.name(), ex.mask(t.name()));
        }
      }
      out = new Examples(ex.size(), ex.inputSize(), ex.features(), targets, masks, this);
      done.put(ex, out);
    }
    return new Split(out, split.rows());
  }
}
