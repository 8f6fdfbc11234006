package org.mtl4j.trainer.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.mtl4j.trainer.io.Excerpt;

/**
 * How CSV columns become features: numeric columns standardised with the training rows' mean and
 * standard deviation, categorical columns one-hot over the categories seen in training (an unseen
 * category encodes as all zeros) or, when embedded, as one input holding the category's index (an
 * unseen category gets the extra last index) that the network looks up in a learned table (Guo and
 * Berkhahn, "Entity Embeddings of Categorical Variables", 2016). Serialisable to plain maps so
 * {@code predict} prepares new rows exactly as training did.
 */
public final class CsvSchema {
  /**
   * One feature column.
   *
   * @param embedding for a categorical column, the dimension of its learned embedding; 0 for
   *     one-hot
   */
  public record Column(
      String name,
      boolean categorical,
      double mean,
      double std,
      List<String> categories,
      int embedding) {
    int width() {
      return categorical && embedding == 0 ? categories.size() : 1;
    }

    /** Rows of the embedding table: the training categories plus one for unseen ones. */
    public int vocabulary() {
      return categories.size() + 1;
    }
  }

  private final List<Column> columns;

  public CsvSchema(List<Column> columns) {
    this.columns = List.copyOf(columns);
  }

  public List<Column> columns() {
    return columns;
  }

  public int inputSize() {
    return columns.stream().mapToInt(Column::width).sum();
  }

  /**
   * Fits the schema on the given rows of {@code table}.
   *
   * @param embedded categorical columns to embed, with their embedding dimension
   */
  public static CsvSchema fit(
      CsvTable table,
      int[] rows,
      List<String> featureNames,
      List<String> categorical,
      Map<String, Integer> embedded) {
    List<Column> cols = new ArrayList<>();
    for (String name : featureNames) {
      int c = table.column(name);
      if (categorical.contains(name) || embedded.containsKey(name)) {
        TreeSet<String> cats = new TreeSet<>();
        for (int r : rows) {
          cats.add(table.rows().get(r)[c]);
        }
        cols.add(new Column(name, true, 0, 1, List.copyOf(cats), embedded.getOrDefault(name, 0)));
      } else {
        double sum = 0;
        double sq = 0;
        for (int r : rows) {
          double v = number(table, r, c);
          sum += v;
          sq += v * v;
        }
        int n = Math.max(1, rows.length);
        double mean = sum / n;
        double var = Math.max(0, sq / n - mean * mean);
        double std = var > 1e-24 ? Math.sqrt(var) : 1.0;
        cols.add(new Column(name, false, mean, std, List.of(), 0));
      }
    }
    return new CsvSchema(cols);
  }

  /** Encodes row {@code r} of {@code table} into {@code out} at {@code offset}. */
  public void encode(CsvTable table, int r, float[] out, int offset) {
    int p = offset;
    for (Column col : columns) {
      int c = table.column(col.name());
      if (c < 0) {
        throw new DataException(
            table.file() + ":1: the header has no feature column '" + col.name() + "'");
      }
      if (col.categorical() && col.embedding() > 0) {
        int k = col.categories().indexOf(table.rows().get(r)[c]);
        out[p] = k >= 0 ? k : col.categories().size();
      } else if (col.categorical()) {
        int k = col.categories().indexOf(table.rows().get(r)[c]);
        for (int j = 0; j < col.categories().size(); j++) {
          out[p + j] = j == k ? 1f : 0f;
        }
      } else {
        out[p] = (float) ((number(table, r, c) - col.mean()) / col.std());
      }
      p += col.width();
    }
  }

  /**
   * For each categorical column, how many rows of {@code table} hold a category that training never
   * saw (encoded as all zeros, or as the embedding's extra row), with the distinct unseen values;
   * columns without unseen values are left out.
   */
  public Map<String, Unseen> unseenCategories(CsvTable table) {
    Map<String, Unseen> out = new LinkedHashMap<>();
    for (Column col : columns) {
      int c = table.column(col.name());
      if (!col.categorical() || c < 0) {
        continue;
      }
      java.util.Set<String> known = new java.util.HashSet<>(col.categories());
      java.util.Set<String> values = new TreeSet<>();
      int rows = 0;
      for (String[] row : table.rows()) {
        if (!known.contains(row[c])) {
          rows++;
          values.add(row[c]);
        }
      }
      if (rows > 0) {
        out.put(col.name(), new Unseen(rows, List.copyOf(values)));
      }
    }
    return out;
  }

  /** Rows with a category unseen in training, and the distinct unseen values. */
  public record Unseen(int rows, List<String> values) {}

  static double number(CsvTable table, int r, int c) {
    return number(
        table,
        r,
        c,
        "a numeric feature column",
        " (declare the column in data.options.categorical if it is a category)");
  }

  /** A regression label: a number within the F32 range the network trains in. */
  static float label(CsvTable table, int r, int c) {
    return (float) number(table, r, c, "a regression label column", "");
  }

  /**
   * A cell as a number that is finite as an F32 (the precision features and labels are trained in):
   * {@code 1e39} would become infinity and is refused with the file, line and column.
   */
  private static double number(CsvTable table, int r, int c, String what, String hint) {
    String s = table.rows().get(r)[c];
    if (s.isEmpty()) {
      throw new DataException(table.where(r, c) + ": empty value in " + what);
    }
    double v;
    try {
      v = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    if (!Double.isFinite(v)) {
      throw new DataException(
          table.where(r, c) + ": " + Excerpt.quoted(s) + " is not a finite number" + hint);
    }
    if (Math.abs(v) > Float.MAX_VALUE) {
      throw new DataException(
          table.where(r, c)
              + ": "
              + Excerpt.quoted(s)
              + " is outside the 32-bit float range (magnitude at most "
              + Float.MAX_VALUE
              + ") in which values are trained");
    }
    return v;
  }

  /** Plain maps for JSON. */
  public List<Map<String, Object>> toMaps() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Column c : columns) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c.name());
      m.put("categorical", c.categorical());
      m.put("mean", c.mean());
      m.put("std", c.std());
      m.put("categories", c.categories());
      if (c.embedding() > 0) {
        m.put("embedding", c.embedding());
      }
      out.add(m);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  public static CsvSchema fromMaps(List<Map<String, Object>> maps) {
    List<Column> cols = new ArrayList<>();
    for (Map<String, Object> m : maps) {
      cols.add(
          new Column(
              (String) m.get("name"),
              (Boolean) m.get("categorical"),
              ((Number) m.get("mean")).doubleValue(),
              ((Number) m.get("std")).doubleValue(),
              (List<String>) m.get("categories"),
              m.get("embedding") instanceof Number e ? e.intValue() : 0));
    }
    return new CsvSchema(cols);
  }
}
