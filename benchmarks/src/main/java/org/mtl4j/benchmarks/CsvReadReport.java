package org.mtl4j.benchmarks;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mtl4j.trainer.data.CsvTable;

/**
 * The CSV reader choice of issue 19 in paired rounds: generates a numeric CSV (rows x columns,
 * values such as {@code -12.345}, an id and a category column), then alternates, in one JVM, {@link
 * CsvTable#read} (Jackson's CSV parser with the input limits) and the line-splitting reader it
 * replaced ({@link #lineSplitRead}, kept here verbatim as the baseline), and prints each round's
 * seconds and the median of the per-round ratios, which load drift on a shared machine cancels out
 * of. Both must return the same cells (checked on the first round).
 *
 * <p>Usage: {@code java -Xmx8g -cp benchmarks.jar org.mtl4j.benchmarks.CsvReadReport [rows]
 * [columns] [rounds]} (defaults 1000000, 50, 5).
 */
public final class CsvReadReport {
  private CsvReadReport() {}

  public static void main(String[] args) throws IOException {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int cols = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    Path file = Files.createTempFile("mtl4j-csv-bench", ".csv");
    try {
      generate(file, rows, cols);
      System.out.printf(
          Locale.ROOT,
          "%s: %d rows x %d columns, %.1f MB%n",
          file,
          rows,
          cols,
          Files.size(file) / 1e6);
      double[] jackson = new double[rounds];
      double[] lines = new double[rounds];
      double[] ratio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        // alternate which reader goes first, so neither always runs on a warmer heap
        boolean jacksonFirst = r % 2 == 0;
        double a = 0;
        double b = 0;
        for (int k = 0; k < 2; k++) {
          System.gc();
          long t0 = System.nanoTime();
          int n;
          if ((k == 0) == jacksonFirst) {
            CsvTable t = CsvTable.read(file, ',');
            n = t.rows().size();
            a = (System.nanoTime() - t0) / 1e9;
            if (r == 0) {
              check(t, lineSplitRead(file, ','));
            }
          } else {
            n = lineSplitRead(file, ',').size() - 1;
            b = (System.nanoTime() - t0) / 1e9;
          }
          if (n != rows) {
            throw new IllegalStateException(n + " rows read, " + rows + " written");
          }
        }
        jackson[r] = a;
        lines[r] = b;
        ratio[r] = a / b;
        System.out.printf(
            Locale.ROOT,
            "round %d: jackson %.3f s, line-split %.3f s, ratio %.3f%n",
            r + 1,
            a,
            b,
            a / b);
      }
      System.out.printf(
          Locale.ROOT,
          "median: jackson %.3f s, line-split %.3f s, median ratio jackson/line-split %.3f%n",
          median(jackson),
          median(lines),
          median(ratio));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void generate(Path file, int rows, int cols) throws IOException {
    SplittableRandom rnd = new SplittableRandom(19);
    String[] cats = {"north", "south", "east", "west", "\"north, east\""};
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      StringBuilder sb = new StringBuilder("id,region");
      for (int c = 0; c < cols - 2; c++) {
        sb.append(",x").append(c);
      }
      w.write(sb.append('\n').toString());
      for (int r = 0; r < rows; r++) {
        sb.setLength(0);
        sb.append('C').append(r).append(',').append(cats[rnd.nextInt(cats.length)]);
        for (int c = 0; c < cols - 2; c++) {
          sb.append(',');
          sb.append(String.format(Locale.ROOT, "%.3f", rnd.nextDouble(-100, 100)));
        }
        w.write(sb.append('\n').toString());
      }
    }
  }

  private static void check(CsvTable t, List<String[]> baseline) {
    if (!t.header().equals(List.of(baseline.get(0)))) {
      throw new IllegalStateException("headers differ");
    }
    for (int r = 0; r < t.rows().size(); r++) {
      if (!Arrays.equals(t.rows().get(r), baseline.get(r + 1))) {
        throw new IllegalStateException(
            "row "
                + r
                + " differs: "
                + Arrays.toString(t.rows().get(r))
                + " vs "
                + Arrays.toString(baseline.get(r + 1)));
      }
    }
  }

  /** The reader CsvTable used before issue 19 (header and rows; one record per line). */
  static List<String[]> lineSplitRead(Path file, char delimiter) throws IOException {
    List<String[]> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        out.add(split(line, delimiter));
      }
    }
    return out;
  }

  private static String[] split(String line, char delimiter) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '"' && cur.length() == 0) {
        quoted = true;
      } else if (c == delimiter) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString().trim());
    return out.toArray(new String[0]);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
