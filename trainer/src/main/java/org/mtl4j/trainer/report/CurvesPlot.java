package org.mtl4j.trainer.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.mtl4j.trainer.checkpoint.AtomicFiles;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * Draws {@code curves.png} with headless Java2D: per task, the training loss (solid) and validation
 * loss (dashed) on the left, the task's main validation metric on the right.
 */
public final class CurvesPlot {
  private static final Color[] PALETTE = {
    new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
    new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75)
  };
  private static final int W = 1100;
  private static final int H = 440;

  private CurvesPlot() {}

  /** A line: label, colour index, dashed, values per epoch. */
  private record Series(String label, int colour, boolean dashed, double[] values) {}

  public static void write(
      Path file, List<String> tasks, List<String> mainMetrics, List<EpochRecord> history)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, W, H);
      List<Series> loss = new ArrayList<>();
      List<Series> metric = new ArrayList<>();
      for (int t = 0; t < tasks.size(); t++) {
        String task = tasks.get(t);
        double[] tl = new double[history.size()];
        double[] vl = new double[history.size()];
        double[] vm = new double[history.size()];
        for (int e = 0; e < history.size(); e++) {
          EpochRecord r = history.get(e);
          tl[e] = r.trainLoss().getOrDefault(task, Double.NaN);
          TaskScores s = r.validation().get(task);
          vl[e] = s == null ? Double.NaN : s.loss();
          vm[e] = s == null ? Double.NaN : s.get(mainMetrics.get(t));
        }
        loss.add(new Series(task + " train", t, false, tl));
        loss.add(new Series(task + " val", t, true, vl));
        metric.add(new Series(task + " " + mainMetrics.get(t), t, false, vm));
      }
      panel(g, 0, "loss", loss);
      panel(g, W / 2, "validation metric", metric);
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

  private static void panel(Graphics2D g, int x0, String title, List<Series> series) {
    int left = x0 + 70;
    int top = 40;
    int w = W / 2 - 100;
    int h = H - 110;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int n = 0;
    for (Series s : series) {
      n = Math.max(n, s.values().length);
      for (double v : s.values()) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (!(min <= max)) {
      min = 0;
      max = 1;
    }
    if (max - min < 1e-9) {
      max = min + 1;
    }
    double pad = 0.05 * (max - min);
    min -= pad;
    max += pad;
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(title, left, top - 15);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int i = 0; i <= 4; i++) {
      double v = min + (max - min) * i / 4;
      int y = top + h - (int) Math.round(h * (double) i / 4);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(left + 1, y, left + w - 1, y);
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%.3g", v), x0 + 10, y + 4);
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, w, h);
    for (int e = 0; e < n; e++) {
      int x = n == 1 ? left + w / 2 : left + (int) Math.round((double) w * e / (n - 1));
      g.drawString(Integer.toString(e + 1), x - 3, top + h + 15);
    }
    g.drawString("epoch", left + w / 2 - 15, top + h + 30);
    int legendY = top + h + 48;
    int legendX = left;
    for (Series s : series) {
      Color c = PALETTE[s.colour() % PALETTE.length];
      g.setColor(c);
      g.setStroke(
          s.dashed()
              ? new BasicStroke(
                  2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
              : new BasicStroke(2f));
      int px = -1;
      int py = -1;
      double[] vals = s.values();
      for (int e = 0; e < vals.length; e++) {
        if (!Double.isFinite(vals[e])) {
          px = -1;
          continue;
        }
        int x = n == 1 ? left + w / 2 : left + (int) Math.round((double) w * e / (n - 1));
        int y = top + h - (int) Math.round(h * (vals[e] - min) / (max - min));
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        g.fillOval(x - 2, y - 2, 5, 5);
        px = x;
        py = y;
      }
      g.drawLine(legendX, legendY - 4, legendX + 20, legendY - 4);
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.BLACK);
      g.drawString(s.label(), legendX + 24, legendY);
      legendX += 30 + g.getFontMetrics().stringWidth(s.label()) + 10;
      if (legendX > x0 + W / 2 - 120) {
        legendX = left;
        legendY += 15;
      }
    }
  }
}
