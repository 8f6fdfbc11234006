package org.mtl4j.trainer.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.mtl4j.trainer.checkpoint.AtomicFiles;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * Draws {@code curves.png} with headless Java2D: one row of panels per task, each on its own scale:
 * the task's loss (training solid, validation dashed; a log axis when it falls by orders of
 * magnitude), then one panel per validation metric of the task (its main metric first). Axes are
 * labelled, ticks are nice numbers ({@link PlotAxis}), non-negative quantities never get an axis
 * below zero and bounded metrics (accuracy, AUC) stop at 1.
 */
public final class CurvesPlot {
  private static final Color TRAIN = new Color(31, 119, 180);
  private static final Color VALIDATION = new Color(255, 127, 14);
  private static final int PANEL_W = 380;
  private static final int PANEL_H = 250;
  private static final int LEFT = 70;
  private static final int TOP = 34;
  private static final int PLOT_W = PANEL_W - LEFT - 20;
  private static final int PLOT_H = PANEL_H - TOP - 50;
  private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13);
  private static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

  private CurvesPlot() {}

  /** A line: label, colour, dashed, values per epoch. */
  private record Series(String label, Color colour, boolean dashed, double[] values) {}

  /**
   * @param mainMetrics each task's main metric, drawn first among its metric panels
   */
  public static void write(
      Path file, List<String> tasks, List<String> mainMetrics, List<EpochRecord> history)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<List<String>> metrics = new ArrayList<>();
    int columns = 1;
    for (int t = 0; t < tasks.size(); t++) {
      Set<String> names = new LinkedHashSet<>();
      names.add(mainMetrics.get(t));
      for (EpochRecord r : history) {
        TaskScores s = r.validation().get(tasks.get(t));
        if (s != null) {
          names.addAll(s.metrics().keySet());
        }
      }
      if (history.stream().allMatch(r -> r.validation().isEmpty())) {
        names.clear(); // no validation split: the loss panel only
      }
      names.remove("loss");
      metrics.add(List.copyOf(names));
      columns = Math.max(columns, 1 + names.size());
    }
    int width = PANEL_W * columns;
    int height = PANEL_H * Math.max(1, tasks.size()) + 30;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);
      legend(g, width);
      for (int t = 0; t < tasks.size(); t++) {
        String task = tasks.get(t);
        int y0 = 30 + t * PANEL_H;
        double[] trainLoss = new double[history.size()];
        double[] valLoss = new double[history.size()];
        for (int e = 0; e < history.size(); e++) {
          EpochRecord r = history.get(e);
          trainLoss[e] = r.trainLoss().getOrDefault(task, Double.NaN);
          TaskScores s = r.validation().get(task);
          valLoss[e] = s == null ? Double.NaN : s.loss();
        }
        panel(
            g,
            0,
            y0,
            task + ": loss",
            "loss",
            List.of(
                new Series("train", TRAIN, false, trainLoss),
                new Series("validation", VALIDATION, true, valLoss)),
            true,
            Double.POSITIVE_INFINITY);
        List<String> ms = metrics.get(t);
        for (int m = 0; m < ms.size(); m++) {
          String metric = ms.get(m);
          double[] v = new double[history.size()];
          for (int e = 0; e < history.size(); e++) {
            TaskScores s = history.get(e).validation().get(task);
            v[e] = s == null ? Double.NaN : s.get(metric);
          }
          boolean bounded = ConfigReader.higherIsBetter(metric) && allWithin(v, 0, 1);
          panel(
              g,
              PANEL_W * (m + 1),
              y0,
              task + ": " + metric + " (validation)",
              metric,
              List.of(new Series("validation", VALIDATION, true, v)),
              false,
              bounded ? 1 : Double.POSITIVE_INFINITY);
        }
      }
    } finally {
      g.dispose();
    }
    AtomicFiles.write(
        file,
        out -> {
          if (!ImageIO.write(img, "png", out)) {
            throw new IOException("no PNG writer available");
          }
        });
  }

  private static boolean allWithin(double[] v, double lo, double hi) {
    for (double x : v) {
      if (Double.isFinite(x) && (x < lo || x > hi)) {
        return false;
      }
    }
    return true;
  }

  private static void legend(Graphics2D g, int width) {
    g.setFont(TEXT);
    int x = 12;
    for (Series s :
        List.of(
            new Series("train", TRAIN, false, new double[0]),
            new Series("validation", VALIDATION, true, new double[0]))) {
      g.setColor(s.colour());
      g.setStroke(stroke(s.dashed()));
      g.drawLine(x, 15, x + 24, 15);
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.BLACK);
      g.drawString(s.label(), x + 30, 19);
      x += 40 + g.getFontMetrics().stringWidth(s.label()) + 12;
    }
  }

  private static BasicStroke stroke(boolean dashed) {
    return dashed
        ? new BasicStroke(
            2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
        : new BasicStroke(2f);
  }

  private static void panel(
      Graphics2D g,
      int x0,
      int y0,
      String title,
      String yLabel,
      List<Series> series,
      boolean allowLog,
      double upperBound) {
    int n = 0;
    List<Double> all = new ArrayList<>();
    for (Series s : series) {
      n = Math.max(n, s.values().length);
      for (double v : s.values()) {
        all.add(v);
      }
    }
    PlotAxis axis =
        PlotAxis.of(all.stream().mapToDouble(Double::doubleValue).toArray(), allowLog, upperBound);
    int left = x0 + LEFT;
    int top = y0 + TOP;
    g.setColor(Color.BLACK);
    g.setFont(TITLE);
    g.drawString(title, left, top - 12);
    g.setFont(TEXT);
    FontMetrics fm = g.getFontMetrics();
    for (double t : axis.ticks()) {
      int y = top + PLOT_H - (int) Math.round(PLOT_H * axis.fraction(t));
      g.setColor(new Color(228, 228, 228));
      g.drawLine(left + 1, y, left + PLOT_W - 1, y);
      g.setColor(Color.BLACK);
      String label = axis.tickLabel(t);
      g.drawString(label, left - 6 - fm.stringWidth(label), y + 4);
    }
    g.drawRect(left, top, PLOT_W, PLOT_H);
    // x: epochs, at most ~8 nice ticks
    int step = n <= 1 ? 1 : (int) Math.max(1, PlotAxis.nice(Math.max(1, (n - 1) / 8.0)));
    for (int e = 1; e <= n; e++) {
      if (e != 1 && e % step != 0) {
        continue;
      }
      int x = xAt(left, n, e - 1);
      g.drawLine(x, top + PLOT_H, x, top + PLOT_H + 4);
      String label = Integer.toString(e);
      g.drawString(label, x - fm.stringWidth(label) / 2, top + PLOT_H + 16);
    }
    g.drawString("epoch", left + PLOT_W / 2 - fm.stringWidth("epoch") / 2, top + PLOT_H + 32);
    String yText = yLabel + (axis.log() ? " (log scale)" : "");
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    g.drawString(yText, -(top + PLOT_H / 2 + fm.stringWidth(yText) / 2), x0 + 14);
    g.setTransform(saved);
    for (Series s : series) {
      g.setColor(s.colour());
      g.setStroke(stroke(s.dashed()));
      int px = -1;
      int py = -1;
      double[] vals = s.values();
      for (int e = 0; e < vals.length; e++) {
        if (!Double.isFinite(vals[e]) || (axis.log() && vals[e] <= 0)) {
          px = -1;
          continue;
        }
        int x = xAt(left, n, e);
        int y = top + PLOT_H - (int) Math.round(PLOT_H * axis.fraction(vals[e]));
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        g.fillOval(x - 2, y - 2, 5, 5);
        px = x;
        py = y;
      }
      g.setStroke(new BasicStroke(1f));
    }
  }

  private static int xAt(int left, int n, int e) {
    return n == 1 ? left + PLOT_W / 2 : left + (int) Math.round((double) PLOT_W * e / (n - 1));
  }
}
