package org.mtl4j.trainer.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.metrics.TaskScores;
import org.mtl4j.trainer.training.Trainer;

/** Helpers shared by the commands. */
final class Cli {
  private Cli() {}

  /** The default example: {@code examples/default.yaml} under {@code mtl4j.home} or here. */
  static Path defaultConfig() {
    String home = System.getProperty("mtl4j.home");
    Path p =
        home != null
            ? Path.of(home, "examples", "default.yaml")
            : Path.of("examples", "default.yaml");
    if (!Files.isRegularFile(p)) {
      throw new UserErrors.UsageException(
          "no -c/--config given and the default example " + p + " does not exist");
    }
    return p;
  }

  /** The config stored in a checkpoint (a run folder or checkpoint folder). */
  static Mtl4jConfig checkpointConfig(Path dir) {
    if (!java.nio.file.Files.exists(dir)) {
      throw new UserErrors.UsageException(
          dir + ": no such folder (a run folder or its checkpoint)");
    }
    Checkpoint c = new CheckpointStore().load(Trainer.checkpointDir(dir));
    ConfigReader reader = new ConfigReader(Mtl4j.plugins());
    return reader.parse(c.configYaml(), Trainer.checkpointDir(dir) + "/checkpoint.json", "resumed");
  }

  /**
   * A measured duration with three significant digits (whole seconds from 100 s on), so that a
   * short epoch reads {@code 0.0123} rather than {@code 0.0}.
   */
  static String seconds(double s) {
    if (!Double.isFinite(s)) {
      return "?";
    }
    return s >= 100 ? String.format(Locale.ROOT, "%.0f", s) : String.format(Locale.ROOT, "%.3g", s);
  }

  /**
   * Refuses to resume a run that has already trained every epoch of {@code config}: it would train
   * nothing; the message says which {@code --epochs} would continue it.
   */
  static void requireEpochsLeft(Path dir, Mtl4jConfig config) {
    int done = new CheckpointStore().load(Trainer.checkpointDir(dir)).epoch();
    int wanted = config.training().epochs();
    if (done >= wanted) {
      throw new UserErrors.UsageException(
          dir
              + ": the run already finished "
              + done
              + (done == 1 ? " epoch" : " epochs")
              + " of "
              + wanted
              + "; to train more, raise the total with --epochs (e.g. --resume "
              + dir
              + " --epochs "
              + (done + Math.max(1, wanted))
              + ")");
    }
  }

  static String scores(Map<String, TaskScores> scores, List<String> order) {
    StringBuilder sb = new StringBuilder();
    int w = order.stream().mapToInt(String::length).max().orElse(4);
    for (String t : order) {
      TaskScores s = scores.get(t);
      if (s == null) {
        continue;
      }
      sb.append(String.format(Locale.ROOT, "  %-" + w + "s", t));
      s.metrics().forEach((m, v) -> sb.append(String.format(Locale.ROOT, "  %s %.4f", m, v)));
      sb.append(String.format(Locale.ROOT, "  loss %.4f%n", s.loss()));
    }
    return sb.toString();
  }
}
