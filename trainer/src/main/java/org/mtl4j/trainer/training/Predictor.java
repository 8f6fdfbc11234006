package org.mtl4j.trainer.training;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.trainer.checkpoint.AtomicFiles;
import org.mtl4j.trainer.data.CsvSchema;
import org.mtl4j.trainer.data.CsvTable;
import org.mtl4j.trainer.data.DataException;
import org.mtl4j.trainer.data.ImageFolderSource;
import org.mtl4j.trainer.data.TargetScaling;
import org.mtl4j.trainer.io.CsvOutput;
import org.mtl4j.trainer.io.Excerpt;

/**
 * Predicts every task for the rows of a CSV file and writes a CSV with one column group per task:
 * the predicted class (or value, in original units) and, for classification, each class's
 * probability, preceded by the id columns to keep. Numbers are written as the shortest decimal that
 * reads back as the same F32 value. Features are prepared as in training (the checkpoint's CSV
 * statistics); for image models the CSV holds the raw feature values, one column each.
 */
public final class Predictor {
  private static final int BATCH = 512;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Predictor.class);

  private Predictor() {}

  /** Predicts with the id columns the checkpoint's config marks ({@code data.options.id}). */
  public static int predict(TrainedModel model, Path input, Path output) {
    return predict(model, input, output, List.of());
  }

  /**
   * Predicts every task for the rows of {@code input}.
   *
   * @param keep input columns copied to the output before the predictions, in addition to the id
   *     columns the checkpoint's config marks
   * @return the number of rows
   */
  public static int predict(TrainedModel model, Path input, Path output, List<String> keep) {
    return predict(model, input, output, keep, List.of(), true);
  }

  /**
   * Predicts the tasks named in {@code only} (every task when empty) for the rows of {@code input}:
   * with per-task data sets, a file of one task's data predicted for that task alone.
   *
   * @param keep input columns copied to the output before the predictions, in addition to the id
   *     columns the checkpoint's config marks
   * @param formulaGuard whether text cells that a spreadsheet would run as a formula get a leading
   *     {@code '} ({@link CsvOutput#neutralised})
   * @return the number of rows
   * @throws DataException when {@code only} names a task the model does not have
   */
  @SuppressWarnings("unchecked")
  public static int predict(
      TrainedModel model,
      Path input,
      Path output,
      List<String> keep,
      List<String> only,
      boolean formulaGuard) {
    List<String> names = model.network().tasks().stream().map(Task::name).toList();
    for (String t : only) {
      if (!names.contains(t)) {
        throw new DataException(
            "--task: '"
                + t
                + "' is not a task of the model; expected one of "
                + String.join(", ", names));
      }
    }
    List<Task> tasks =
        model.network().tasks().stream()
            .filter(t -> only.isEmpty() || only.contains(t.name()))
            .toList();
    Map<String, Object> pre = model.checkpoint().preprocessing();
    int inputSize = ((Number) pre.get("input_size")).intValue();
    String delim = (String) pre.getOrDefault("delimiter", ",");
    boolean images = ImageFolderSource.FORMAT.equals(pre.get("format"));
    CsvTable table =
        images
            ? ImageFolderSource.listing(
                input, ((List<String>) pre.getOrDefault("id_columns", List.of("file"))).get(0))
            : CsvTable.read(input, delim.charAt(0));
    int n = table.rows().size();
    float[] x =
        images ? ImageFolderSource.decodeListing(pre, input, table) : new float[n * inputSize];
    if (images) {
      // decoded, resized and normalised with the training statistics
    } else if ("csv".equals(pre.get("format"))) {
      CsvSchema schema = CsvSchema.fromMaps((List<Map<String, Object>>) pre.get("features"));
      schema
          .unseenCategories(table)
          .forEach(
              (column, u) ->
                  LOG.warn(
                      "{}: {} of {} rows have a '{}' category unseen in training ({}); they are"
                          + " encoded as no known category",
                      input,
                      u.rows(),
                      n,
                      column,
                      String.join(", ", u.values().subList(0, Math.min(5, u.values().size())))
                          + (u.values().size() > 5 ? ", ..." : "")));
      for (int r = 0; r < n; r++) {
        schema.encode(table, r, x, r * inputSize);
      }
    } else {
      if (table.header().size() != inputSize) {
        throw new DataException(
            input
                + ":1: "
                + table.header().size()
                + " columns, the model"
                + " expects "
                + inputSize
                + " feature columns");
      }
      for (int r = 0; r < n; r++) {
        for (int c = 0; c < inputSize; c++) {
          String s = table.rows().get(r)[c];
          try {
            x[r * inputSize + c] = Float.parseFloat(s);
          } catch (NumberFormatException e) {
            throw new DataException(
                table.where(r, c) + ": " + Excerpt.quoted(s) + " is not a number");
          }
        }
      }
    }
    Map<String, Object> labels = (Map<String, Object>) pre.getOrDefault("labels", Map.of());
    List<String> kept = new ArrayList<>((List<String>) pre.getOrDefault("id_columns", List.of()));
    keep.stream().filter(c -> !kept.contains(c)).forEach(kept::add);
    int[] keptCols = new int[kept.size()];
    for (int i = 0; i < keptCols.length; i++) {
      keptCols[i] = table.column(kept.get(i));
      if (keptCols[i] < 0) {
        throw new DataException(
            input
                + ":1: no column '"
                + kept.get(i)
                + "' to keep; columns: "
                + table.columnsForMessage());
      }
    }
    Columns ids = new Columns(table, kept, keptCols);
    TargetScaling scaling = TargetScaling.of(pre);
    try {
      AtomicFiles.write(
          output,
          os -> {
            CsvOutput csv = CsvOutput.utf8(os, formulaGuard);
            writePredictions(csv, model, tasks, labels, scaling, ids, x, n, inputSize);
            csv.close();
          });
    } catch (IOException e) {
      throw new DataException(output + ": cannot be written: " + e.getMessage(), e);
    }
    return n;
  }

  /** The predictions CSV; written to a temporary file that replaces the output only when whole. */
  private static void writePredictions(
      CsvOutput csv,
      TrainedModel model,
      List<Task> tasks,
      Map<String, Object> labels,
      TargetScaling scaling,
      Columns ids,
      float[] x,
      int n,
      int inputSize)
      throws IOException {
    ComputeBackend backend = model.backend();
    List<String> header = new ArrayList<>(ids.names());
    for (Task t : tasks) {
      List<String> classes = classes(labels, t);
      header.add(t.name());
      if (t.type() == TaskType.MULTICLASS) {
        for (int k = 0; k < t.outputSize(); k++) {
          header.add(t.name() + "_p_" + (k < classes.size() ? classes.get(k) : k));
        }
      } else if (t.type() == TaskType.BINARY) {
        header.add(t.name() + "_p");
      } else if (t.outputSize() > 1) {
        header.remove(header.size() - 1);
        for (int k = 0; k < t.outputSize(); k++) {
          header.add(t.name() + "_" + k);
        }
      }
    }
    csv.row(header);
    for (int from = 0; from < n; from += BATCH) {
      int m = Math.min(BATCH, n - from);
      float[] xb = new float[m * inputSize];
      System.arraycopy(x, from * inputSize, xb, 0, xb.length);
      List<float[]> outs = new ArrayList<>();
      try (TensorScope scope = backend.openScope()) {
        Tensor xt = backend.fromHost(Shape.matrix(m, inputSize), xb);
        Graph g = new Graph(backend, 0L);
        NetworkOutput out = model.network().forward(g, g.constant(xt), Mode.EVAL);
        for (Task t : tasks) {
          outs.add(scaling.unscale(t.name(), backend.toHost(out.output(t.name()).value()), m));
        }
      }
      for (int i = 0; i < m; i++) {
        for (int c : ids.columns()) {
          csv.text(ids.table().rows().get(from + i)[c]);
        }
        for (int ti = 0; ti < tasks.size(); ti++) {
          row(csv, tasks.get(ti), classes(labels, tasks.get(ti)), outs.get(ti), i);
        }
        csv.endRow();
      }
    }
    csv.flush();
  }

  @SuppressWarnings("unchecked")
  private static List<String> classes(Map<String, Object> labels, Task t) {
    Object info = labels.get(t.name());
    if (info instanceof Map<?, ?> m && m.get("classes") instanceof List<?> l) {
      return (List<String>) l;
    }
    return List.of();
  }

  /**
   * One task's cells of row {@code i}: class names as text, probabilities and values as numbers.
   */
  private static void row(CsvOutput csv, Task t, List<String> classes, float[] out, int i)
      throws IOException {
    int k = t.outputSize();
    switch (t.type()) {
      case MULTICLASS -> {
        double max = Double.NEGATIVE_INFINITY;
        int best = 0;
        for (int j = 0; j < k; j++) {
          if (out[i * k + j] > max) {
            max = out[i * k + j];
            best = j;
          }
        }
        double sum = 0;
        double[] p = new double[k];
        for (int j = 0; j < k; j++) {
          p[j] = Math.exp(out[i * k + j] - max);
          sum += p[j];
        }
        csv.text(best < classes.size() ? classes.get(best) : Integer.toString(best));
        for (int j = 0; j < k; j++) {
          csv.number(fmt(p[j] / sum));
        }
      }
      case BINARY -> {
        double p = 1 / (1 + Math.exp(-out[i]));
        int c = p > 0.5 ? 1 : 0;
        csv.text(c < classes.size() ? classes.get(c) : Integer.toString(c));
        csv.number(fmt(p));
      }
      case MULTILABEL -> {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < k; j++) {
          sb.append(out[i * k + j] > 0 ? '1' : '0');
        }
        csv.text(sb.toString());
      }
      case REGRESSION -> {
        for (int j = 0; j < k; j++) {
          csv.number(fmt(out[i * k + j]));
        }
      }
    }
  }

  /** Input columns copied to the output. */
  private record Columns(CsvTable table, List<String> names, int[] columns) {}

  /** The shortest decimal that reads back as the same float (what the model computed in F32). */
  static String fmt(double v) {
    float f = (float) v;
    if (!Float.isFinite(f)) {
      return Float.toString(f);
    }
    if (f == 0f) {
      return "0";
    }
    BigDecimal exact = new BigDecimal(f);
    for (int digits = 1; ; digits++) {
      BigDecimal d = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
      if (d.floatValue() == f) {
        d = d.stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        return exponent >= -6 && exponent < 12 ? d.toPlainString() : d.toString();
      }
    }
  }
}
