package org.mtl4j.trainer.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mtl4j.trainer.checkpoint.AtomicFiles;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * Writes {@code metrics.csv}: one row per epoch and task with the training loss, the validation
 * loss, every validation metric, the learning rate and the epoch's time.
 */
public final class MetricsCsv {
  private MetricsCsv() {}

  public static String render(List<String> tasks, List<EpochRecord> history) {
    Set<String> metrics = new LinkedHashSet<>();
    for (EpochRecord r : history) {
      for (TaskScores s : r.validation().values()) {
        metrics.addAll(s.metrics().keySet());
      }
    }
    StringBuilder sb = new StringBuilder("epoch,task,train_loss,val_loss");
    for (String m : metrics) {
      sb.append(",val_").append(m);
    }
    sb.append(",task_weight,lr,seconds\n");
    for (EpochRecord r : history) {
      for (int t = 0; t < tasks.size(); t++) {
        String task = tasks.get(t);
        TaskScores v = r.validation().get(task);
        List<String> cells = new ArrayList<>();
        cells.add(Integer.toString(r.epoch()));
        cells.add(task);
        cells.add(num(r.trainLoss().getOrDefault(task, Double.NaN)));
        cells.add(v == null ? "" : num(v.loss()));
        for (String m : metrics) {
          cells.add(v == null || !v.metrics().containsKey(m) ? "" : num(v.metrics().get(m)));
        }
        cells.add(t < r.weights().size() ? num(r.weights().get(t)) : "");
        cells.add(num(r.learningRate()));
        cells.add(String.format(Locale.ROOT, "%.6f", r.seconds()));
        sb.append(String.join(",", cells)).append('\n');
      }
    }
    return sb.toString();
  }

  public static void write(Path file, List<String> tasks, List<EpochRecord> history)
      throws IOException {
    AtomicFiles.write(file, render(tasks, history).getBytes(StandardCharsets.UTF_8));
  }

  static String num(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
  }
}
