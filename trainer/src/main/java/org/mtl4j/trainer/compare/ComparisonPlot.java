package org.mtl4j.trainer.compare;

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
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.mtl4j.trainer.checkpoint.AtomicFiles;
import org.mtl4j.trainer.compare.ComparisonTable.Column;
import org.mtl4j.trainer.compare.ComparisonTable.Row;
import org.mtl4j.trainer.training.SeedStatistics.Summary;

/**
 * Draws {@code results.png} with headless Java2D: one panel per task (its main metric on the test
 * split, mean with ± std error bars, one line per method, the single-task baseline as a dashed
 * line) and a Δm bar chart with error bars.
 */
public final class ComparisonPlot {
  private static final int PANEL_W = 330;
  private static final int LABEL_W = 190;
  private static final int ROW_H = 22;
  private static final int TOP = 50;
  private static final int BOTTOM = 50;
  private static final Color POINT = new Color(31, 119, 180);
  private static final Color GAIN = new Color(44, 160, 44);
  private static final Color LOSS = new Color(214, 39, 40);

  private ComparisonPlot() {}

  public static void write(Path file, ComparisonTable table) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Column> mains = new ArrayList<>();
    for (Column c : table.columns()) {
      if (mains.stream().noneMatch(m -> m.task().equals(c.task()))) {
        mains.add(c);
      }
    }
    List<Row> methods = table.rows().stream().filter(r -> !r.isBaseline()).toList();
    List<Row> baselines = table.rows().stream().filter(Row::isBaseline).toList();
    int panels = mains.size() + 1;
    int w = LABEL_W + panels * (PANEL_W + 60);
    int h = TOP + BOTTOM + Math.max(1, methods.size()) * ROW_H;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
      boolean strategies = methods.stream().map(Row::strategy).distinct().count() > 1;
      for (int i = 0; i < methods.size(); i++) {
        Row r = methods.get(i);
        String label = strategies ? r.strategy() + " / " + r.method() : r.method();
        int y = TOP + i * ROW_H + ROW_H / 2 + 5;
        g.drawString(label, LABEL_W - 10 - g.getFontMetrics().stringWidth(label), y);
      }
      int x0 = LABEL_W;
      for (Column c : mains) {
        Double base =
            baselines.isEmpty() || baselines.size() > 1
                ? null
                : baselines.get(0).test().get(c).mean();
        panel(
            g,
            x0,
            c.label() + (c.higherIsBetter() ? " (higher is better)" : " (lower is better)"),
            methods,
            r -> r.test().get(c),
            base,
            false,
            1);
        x0 += PANEL_W + 60;
      }
      panel(g, x0, "Δm % vs single-task (higher is better)", methods, Row::deltaM, 0.0, true, 100);
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

  private static void panel(
      Graphics2D g,
      int x0,
      String title,
      List<Row> rows,
      Function<Row, Summary> value,
      Double reference,
      boolean bars,
      double scale) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Row r : rows) {
      Summary s = value.apply(r);
      double sd = Double.isFinite(s.std()) ? s.std() : 0;
      if (Double.isFinite(s.mean())) {
        min = Math.min(min, scale * (s.mean() - sd));
        max = Math.max(max, scale * (s.mean() + sd));
      }
    }
    if (reference != null && Double.isFinite(reference)) {
      min = Math.min(min, scale * reference);
      max = Math.max(max, scale * reference);
    }
    if (!(min <= max)) {
      min = 0;
      max = 1;
    }
    if (max - min < 1e-12) {
      max = min + 1;
    }
    double pad = 0.08 * (max - min);
    min -= pad;
    max += pad;
    int h = rows.size() * ROW_H;
    double lo = min;
    double span = max - min;
    java.util.function.DoubleToIntFunction px =
        v -> x0 + (int) Math.round(PANEL_W * (v - lo) / span);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
    g.setColor(Color.BLACK);
    g.drawString(title, x0, TOP - 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (int i = 0; i <= 4; i++) {
      double v = min + span * i / 4;
      int x = px.applyAsInt(v);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(x, TOP, x, TOP + h);
      g.setColor(Color.BLACK);
      String s = String.format(Locale.ROOT, "%.3g", v);
      g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, TOP + h + 16);
    }
    for (int i = 0; i < rows.size(); i += 2) {
      g.setColor(new Color(246, 246, 246));
      g.fillRect(x0 + 1, TOP + i * ROW_H + 1, PANEL_W - 1, ROW_H - 1);
    }
    g.setColor(Color.BLACK);
    g.drawRect(x0, TOP, PANEL_W, h);
    if (reference != null && Double.isFinite(reference)) {
      int x = px.applyAsInt(scale * reference);
      g.setColor(Color.DARK_GRAY);
      g.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {5f, 4f}, 0f));
      g.drawLine(x, TOP, x, TOP + h);
      g.setStroke(new BasicStroke(1f));
      g.drawString(bars ? "0" : "single-task", x + 3, TOP + h + 32);
    }
    for (int i = 0; i < rows.size(); i++) {
      Summary s = value.apply(rows.get(i));
      if (!Double.isFinite(s.mean())) {
        continue;
      }
      int yc = TOP + i * ROW_H + ROW_H / 2;
      int xm = px.applyAsInt(scale * s.mean());
      if (bars) {
        int xz = px.applyAsInt(0);
        g.setColor(s.mean() >= 0 ? GAIN : LOSS);
        g.fillRect(Math.min(xz, xm), yc - 6, Math.abs(xm - xz), 12);
      } else {
        g.setColor(POINT);
        g.fillOval(xm - 4, yc - 4, 8, 8);
      }
      if (Double.isFinite(s.std())) {
        int a = px.applyAsInt(scale * (s.mean() - s.std()));
        int b = px.applyAsInt(scale * (s.mean() + s.std()));
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(a, yc, b, yc);
        g.drawLine(a, yc - 4, a, yc + 4);
        g.drawLine(b, yc - 4, b, yc + 4);
        g.setStroke(new BasicStroke(1f));
      }
    }
  }
}
