package org.mtl4j.api.task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The built-in metrics by name: {@code accuracy}, {@code auc} (ROC AUC, Mann-Whitney statistic with
 * ties counted half), {@code f1} (binary: positive class; multiclass: macro average; multilabel:
 * micro average), {@code rmse}, {@code mae}.
 */
public final class Metrics {
  private static final Map<String, Metric> BY_NAME = new TreeMap<>();

  static {
    for (Metric m :
        List.of(
            new AccuracyMetric(),
            new AucMetric(),
            new F1Metric(),
            new ErrorMetric(true),
            new ErrorMetric(false))) {
      BY_NAME.put(m.name(), m);
    }
  }

  private Metrics() {}

  public static Metric byName(String name) {
    Metric m = BY_NAME.get(name);
    if (m == null) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a known metric; known: " + String.join(", ", BY_NAME.keySet()));
    }
    return m;
  }

  public static List<String> names() {
    return List.copyOf(BY_NAME.keySet());
  }

  static boolean labelled(float[] mask, int i) {
    return mask == null || mask[i] != 0f;
  }

  /** Predicted class of row i of a multiclass output. */
  static int argmax(float[] out, int row, int k) {
    int best = 0;
    for (int j = 1; j < k; j++) {
      if (out[row * k + j] > out[row * k + best]) {
        best = j;
      }
    }
    return best;
  }

  private static final class AccuracyMetric implements Metric {
    @Override
    public String name() {
      return "accuracy";
    }

    @Override
    public String description() {
      return "fraction of correct predictions (binary/multilabel: score > 0 predicts the positive"
          + " class)";
    }

    @Override
    public boolean higherIsBetter() {
      return true;
    }

    @Override
    public boolean appliesTo(TaskType type) {
      return type != TaskType.REGRESSION;
    }

    @Override
    public Accumulator start(Task task) {
      int k = task.outputSize();
      return new Accumulator() {
        long correct;
        long total;

        @Override
        public void add(float[] out, float[] tgt, float[] mask, int rows) {
          for (int i = 0; i < rows; i++) {
            if (!labelled(mask, i)) {
              continue;
            }
            if (task.type() == TaskType.MULTICLASS) {
              correct += argmax(out, i, k) == (int) tgt[i] ? 1 : 0;
              total++;
            } else {
              for (int j = 0; j < k; j++) {
                boolean pred = out[i * k + j] > 0f;
                correct += pred == (tgt[i * k + j] > 0.5f) ? 1 : 0;
                total++;
              }
            }
          }
        }

        @Override
        public double value() {
          return total == 0 ? Double.NaN : (double) correct / total;
        }
      };
    }
  }

  private static final class AucMetric implements Metric {
    @Override
    public String name() {
      return "auc";
    }

    @Override
    public String description() {
      return "ROC AUC of the scores, Mann-Whitney statistic with ties counted half (multilabel:"
          + " pooled)";
    }

    @Override
    public boolean higherIsBetter() {
      return true;
    }

    @Override
    public boolean appliesTo(TaskType type) {
      return type == TaskType.BINARY || type == TaskType.MULTILABEL;
    }

    @Override
    public Accumulator start(Task task) {
      int k = task.outputSize();
      return new Accumulator() {
        final List<float[]> scores = new ArrayList<>();
        final List<float[]> labels = new ArrayList<>();

        @Override
        public void add(float[] out, float[] tgt, float[] mask, int rows) {
          int n = 0;
          for (int i = 0; i < rows; i++) {
            n += labelled(mask, i) ? k : 0;
          }
          float[] s = new float[n];
          float[] y = new float[n];
          int p = 0;
          for (int i = 0; i < rows; i++) {
            if (labelled(mask, i)) {
              for (int j = 0; j < k; j++) {
                s[p] = out[i * k + j];
                y[p++] = tgt[i * k + j];
              }
            }
          }
          scores.add(s);
          labels.add(y);
        }

        @Override
        public double value() {
          int n = scores.stream().mapToInt(a -> a.length).sum();
          float[] s = new float[n];
          float[] y = new float[n];
          int p = 0;
          for (int b = 0; b < scores.size(); b++) {
            System.arraycopy(scores.get(b), 0, s, p, scores.get(b).length);
            System.arraycopy(labels.get(b), 0, y, p, labels.get(b).length);
            p += scores.get(b).length;
          }
          return rocAuc(s, y);
        }
      };
    }

    /** ROC AUC by average ranks; NaN when only one class is present. */
    static double rocAuc(float[] s, float[] y) {
      int n = s.length;
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> Float.compare(s[a], s[b]));
      double rankSumPos = 0;
      long pos = 0;
      int i = 0;
      while (i < n) {
        int j = i;
        while (j + 1 < n && s[order[j + 1]] == s[order[i]]) {
          j++;
        }
        double avgRank = (i + j) / 2.0 + 1.0;
        for (int t = i; t <= j; t++) {
          if (y[order[t]] > 0.5f) {
            rankSumPos += avgRank;
            pos++;
          }
        }
        i = j + 1;
      }
      long neg = n - pos;
      if (pos == 0 || neg == 0) {
        return Double.NaN;
      }
      return (rankSumPos - pos * (pos + 1) / 2.0) / ((double) pos * neg);
    }
  }

  private static final class F1Metric implements Metric {
    @Override
    public String name() {
      return "f1";
    }

    @Override
    public String description() {
      return "F1 score: binary of the positive class, multiclass macro average, multilabel micro"
          + " average";
    }

    @Override
    public boolean higherIsBetter() {
      return true;
    }

    @Override
    public boolean appliesTo(TaskType type) {
      return type != TaskType.REGRESSION;
    }

    @Override
    public Accumulator start(Task task) {
      int k = task.outputSize();
      boolean multiclass = task.type() == TaskType.MULTICLASS;
      int classes = multiclass ? k : 1;
      return new Accumulator() {
        final long[] tp = new long[classes];
        final long[] fp = new long[classes];
        final long[] fn = new long[classes];

        @Override
        public void add(float[] out, float[] tgt, float[] mask, int rows) {
          for (int i = 0; i < rows; i++) {
            if (!labelled(mask, i)) {
              continue;
            }
            if (multiclass) {
              int p = argmax(out, i, k);
              int y = (int) tgt[i];
              if (p == y) {
                tp[y]++;
              } else {
                fp[p]++;
                fn[y]++;
              }
            } else {
              for (int j = 0; j < k; j++) {
                boolean p = out[i * k + j] > 0f;
                boolean y = tgt[i * k + j] > 0.5f;
                if (p && y) {
                  tp[0]++;
                } else if (p) {
                  fp[0]++;
                } else if (y) {
                  fn[0]++;
                }
              }
            }
          }
        }

        @Override
        public double value() {
          double sum = 0;
          int counted = 0;
          for (int c = 0; c < classes; c++) {
            long denom = 2 * tp[c] + fp[c] + fn[c];
            if (denom > 0) {
              sum += 2.0 * tp[c] / denom;
              counted++;
            }
          }
          return counted == 0 ? Double.NaN : sum / counted;
        }
      };
    }
  }

  private static final class ErrorMetric implements Metric {
    private final boolean squared;

    ErrorMetric(boolean squared) {
      this.squared = squared;
    }

    @Override
    public String name() {
      return squared ? "rmse" : "mae";
    }

    @Override
    public String description() {
      return squared
          ? "root mean squared error, in the target's original units"
          : "mean absolute error, in the target's original units";
    }

    @Override
    public boolean higherIsBetter() {
      return false;
    }

    @Override
    public boolean appliesTo(TaskType type) {
      return type == TaskType.REGRESSION;
    }

    @Override
    public Accumulator start(Task task) {
      int k = task.outputSize();
      return new Accumulator() {
        double sum;
        long count;

        @Override
        public void add(float[] out, float[] tgt, float[] mask, int rows) {
          for (int i = 0; i < rows; i++) {
            if (!labelled(mask, i)) {
              continue;
            }
            for (int j = 0; j < k; j++) {
              double d = (double) out[i * k + j] - tgt[i * k + j];
              sum += squared ? d * d : Math.abs(d);
              count++;
            }
          }
        }

        @Override
        public double value() {
          if (count == 0) {
            return Double.NaN;
          }
          return squared ? Math.sqrt(sum / count) : sum / count;
        }
      };
    }
  }
}
