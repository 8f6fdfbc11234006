package org.mtl4j.trainer.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;
import org.mtl4j.trainer.training.TrainingListener;

/**
 * Shows training progress: on a terminal a progress bar with ETA and live per-task losses (redrawn
 * at most ten times a second); otherwise plain lines, one per epoch. Quiet mode prints nothing.
 */
final class ConsoleProgress implements TrainingListener {
  private final PrintStream out;
  private final boolean terminal;
  private final boolean quiet;
  private final java.util.List<String> tasks;
  private long epochStart;
  private long lastDraw;
  private int epochs;
  private double[] running;
  private int seen;

  ConsoleProgress(PrintStream out, boolean terminal, boolean quiet, java.util.List<String> tasks) {
    this.out = out;
    this.terminal = terminal;
    this.quiet = quiet;
    this.tasks = tasks;
  }

  @Override
  public void started(int epochs, int stepsPerEpoch, String description) {
    this.epochs = epochs;
    if (!quiet) {
      out.println(
          "training: " + description + ", " + epochs + " epochs of " + stepsPerEpoch + " steps");
    }
  }

  @Override
  public void step(int epoch, int step, int stepsPerEpoch, double[] losses) {
    if (step == 1) {
      epochStart = System.nanoTime();
      running = new double[losses.length];
      seen = 0;
    }
    seen++;
    for (int i = 0; i < losses.length; i++) {
      running[i] += (losses[i] - running[i]) / Math.min(seen, 20);
    }
    if (quiet || !terminal) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < 100_000_000L && step != stepsPerEpoch) {
      return;
    }
    lastDraw = now;
    double elapsed = (now - epochStart) / 1e9;
    double eta = elapsed / step * (stepsPerEpoch - step);
    int width = 30;
    int filled = (int) ((long) width * step / stepsPerEpoch);
    StringBuilder sb = new StringBuilder("\r");
    sb.append(String.format(Locale.ROOT, "epoch %d/%d [", epoch, epochs));
    sb.append("=".repeat(filled))
        .append(filled < width ? ">" : "")
        .append(" ".repeat(Math.max(0, width - filled - 1)));
    sb.append(String.format(Locale.ROOT, "] %d/%d ETA %s", step, stepsPerEpoch, time(eta)));
    for (int i = 0; i < running.length && i < tasks.size(); i++) {
      sb.append(String.format(Locale.ROOT, " %s %.4f", tasks.get(i), running[i]));
    }
    sb.append("\033[K");
    out.print(sb);
    out.flush();
  }

  @Override
  public void epoch(EpochRecord r) {
    if (quiet) {
      return;
    }
    if (terminal) {
      out.print("\r\033[K");
    }
    StringBuilder sb =
        new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  loss", r.epoch(), epochs));
    for (Map.Entry<String, Double> e : r.trainLoss().entrySet()) {
      sb.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), e.getValue()));
    }
    if (!r.validation().isEmpty()) {
      sb.append("  | val");
      for (String t : tasks) {
        TaskScores s = r.validation().get(t);
        if (s != null) {
          s.metrics()
              .forEach((m, v) -> sb.append(String.format(Locale.ROOT, " %s.%s %.4f", t, m, v)));
        }
      }
    }
    sb.append("  | ").append(Cli.seconds(r.seconds())).append(" s");
    out.println(sb);
  }

  @Override
  public void message(String text) {
    if (!quiet) {
      if (terminal) {
        out.print("\r\033[K");
      }
      out.println(text);
    }
  }

  static String time(double s) {
    long t = Math.round(s);
    return t >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
        : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
  }
}
