package org.mtl4j.trainer.analysis;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.mtl4j.trainer.io.CsvOutput;

/**
 * Writes a run's task-relationship files: {@code affinity.csv} (the matrix, row i = source task,
 * column j = target task), {@code affinity.png} (a heatmap with task names and values) and {@code
 * conflict.png} (per pair, the conflict fraction and mean cosine over epochs). Each file is written
 * to a temporary name and renamed, so a reader never sees half a file.
 */
public final class AffinityReportWriter {
  private static final Color[] SERIES = {
    new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
    new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75),
    new Color(227, 119, 194), new Color(127, 127, 127)
  };

  private AffinityReportWriter() {}

  /** Writes the three files into {@code dir}. */
  public static void write(AffinityReport report, AffinityStatistics stats, Path dir) {
    try {
      Files.createDirectories(dir);
      writeAtomically(dir.resolve("affinity.csv"), tmp -> writeCsv(report, tmp));
      writeAtomically(dir.resolve("affinity.png"), tmp -> png(heatmap(report), tmp));
      writeAtomically(dir.resolve("conflict.png"), tmp -> png(conflictChart(stats), tmp));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the affinity report to " + dir, e);
    }
  }

  private interface FileWriter {
    void write(Path tmp) throws IOException;
  }

  private static void writeAtomically(Path target, FileWriter w) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    w.write(tmp);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void writeCsv(AffinityReport r, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CsvOutput csv = new CsvOutput(w, ',', true)) {
      csv.text("source\\target");
      for (String t : r.tasks()) {
        csv.text(t);
      }
      csv.endRow();
      for (int i = 0; i < r.tasks().size(); i++) {
        csv.text(r.tasks().get(i));
        for (int j = 0; j < r.tasks().size(); j++) {
          csv.number(String.format(Locale.ROOT, "%.6g", r.affinity()[i][j]));
        }
        csv.endRow();
      }
    }
  }

  private static void png(BufferedImage img, Path file) throws IOException {
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }

  private static Graphics2D canvas(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    return g;
  }

  /**
   * One cell per ordered task pair, red for positive affinity (a step on the row task lowers the
   * column task's loss), blue for negative; the diagonal in grey.
   */
  static BufferedImage heatmap(AffinityReport r) {
    int t = r.tasks().size();
    int cell = Math.max(48, Math.min(96, 640 / Math.max(1, t)));
    int left = 130;
    int top = 60;
    BufferedImage img =
        new BufferedImage(left + t * cell + 40, top + t * cell + 90, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    // the colour scale covers the pairs; a task's effect on itself (the diagonal) is printed
    // on grey, since it is the step's own progress rather than a relation between tasks
    double max = 1e-12;
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        if (i != j) {
          max = Math.max(max, Math.abs(r.affinity()[i][j]));
        }
      }
    }
    g.setColor(Color.BLACK);
    g.drawString("lookahead affinity Z(row → column), " + r.samples() + " sampled steps", 10, 20);
    FontMetrics fm = g.getFontMetrics();
    for (int i = 0; i < t; i++) {
      String name = r.tasks().get(i);
      g.setColor(Color.BLACK);
      g.drawString(name, left - 8 - fm.stringWidth(name), top + i * cell + cell / 2 + 4);
      g.drawString(name, left + i * cell + (cell - fm.stringWidth(name)) / 2, top - 8);
      for (int j = 0; j < t; j++) {
        double v = r.affinity()[i][j];
        g.setColor(i == j ? new Color(225, 225, 225) : diverging(v / max));
        g.fillRect(left + j * cell, top + i * cell, cell, cell);
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left + j * cell, top + i * cell, cell, cell);
        String label = String.format(Locale.ROOT, "%.2g", v);
        g.setColor(i != j && Math.abs(v / max) > 0.6 ? Color.WHITE : Color.BLACK);
        g.drawString(
            label,
            left + j * cell + (cell - fm.stringWidth(label)) / 2,
            top + i * cell + cell / 2 + 4);
      }
    }
    g.setColor(Color.BLACK);
    g.drawString(
        String.format(Locale.ROOT, "scale: blue -%.2g ... white 0 ... red +%.2g", max, max),
        left,
        top + t * cell + 30);
    g.drawString("suggested grouping: " + r.groupNames(), left, top + t * cell + 55);
    g.dispose();
    return img;
  }

  static Color diverging(double x) {
    double v = Math.max(-1, Math.min(1, x));
    int fade = (int) Math.round(255 * (1 - Math.abs(v)));
    return v >= 0 ? new Color(255, fade, fade) : new Color(fade, fade, 255);
  }

  /** Two panels: conflict fraction (top) and mean cosine (bottom) per pair over epochs. */
  static BufferedImage conflictChart(AffinityStatistics s) {
    int w = 820;
    int panel = 260;
    BufferedImage img = new BufferedImage(w, 2 * panel + 120, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas(img);
    List<Integer> epochs = s.epochs();
    int t = s.tasks().size();
    g.setColor(Color.BLACK);
    g.drawString("gradient conflict between tasks per epoch (sampled steps)", 10, 20);
    drawPanel(g, s, epochs, 40, panel, "conflict fraction", 0, 1, true);
    drawPanel(g, s, epochs, 80 + panel, panel, "mean cosine", -1, 1, false);
    int x = 80;
    int y = 2 * panel + 105;
    int series = 0;
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        g.setColor(SERIES[series++ % SERIES.length]);
        String label = s.tasks().get(i) + " / " + s.tasks().get(j);
        g.fillRect(x, y - 9, 12, 10);
        g.setColor(Color.BLACK);
        g.drawString(label, x + 16, y);
        x += 30 + g.getFontMetrics().stringWidth(label);
        if (x > w - 150) {
          x = 80;
          y += 14;
        }
      }
    }
    g.dispose();
    return img;
  }

  private static void drawPanel(
      Graphics2D g,
      AffinityStatistics s,
      List<Integer> epochs,
      int top,
      int height,
      String title,
      double lo,
      double hi,
      boolean conflict) {
    int left = 80;
    int right = 800;
    int bottom = top + height - 30;
    g.setColor(Color.BLACK);
    g.drawString(title, left, top + 12);
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top + 20, left, bottom);
    for (int k = 0; k <= 4; k++) {
      double v = lo + (hi - lo) * k / 4;
      int y = (int) (bottom - (bottom - top - 20) * (v - lo) / (hi - lo));
      g.setColor(Color.LIGHT_GRAY);
      g.drawLine(left + 1, y, right, y);
      g.setColor(Color.BLACK);
      g.drawString(String.format(Locale.ROOT, "%.2f", v), left - 40, y + 4);
    }
    int n = epochs.size();
    for (int e = 0; e < n; e++) {
      int x = n == 1 ? (left + right) / 2 : left + 10 + (right - left - 20) * e / (n - 1);
      g.drawString(Integer.toString(epochs.get(e) + 1), x - 3, bottom + 15);
    }
    g.drawString("epoch", right - 40, bottom + 28);
    int t = s.tasks().size();
    int series = 0;
    g.setStroke(new BasicStroke(2f));
    for (int i = 0; i < t; i++) {
      for (int j = i + 1; j < t; j++) {
        g.setColor(SERIES[series++ % SERIES.length]);
        int px = -1;
        int py = -1;
        for (int e = 0; e < n; e++) {
          double v = conflict ? s.conflict(epochs.get(e), i, j) : s.cosine(epochs.get(e), i, j);
          int x = n == 1 ? (left + right) / 2 : left + 10 + (right - left - 20) * e / (n - 1);
          int y = (int) (bottom - (bottom - top - 20) * (v - lo) / (hi - lo));
          g.fillOval(x - 3, y - 3, 6, 6);
          if (px >= 0) {
            g.drawLine(px, py, x, y);
          }
          px = x;
          py = y;
        }
      }
    }
    g.setStroke(new BasicStroke(1f));
  }
}
