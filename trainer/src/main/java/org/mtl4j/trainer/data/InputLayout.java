package org.mtl4j.trainer.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the columns of a data set's input matrix hold: plain features, or category indices that the
 * network embeds (CSV columns listed in {@code data.options.embed}). Derived from the data set's
 * preprocessing, which the checkpoint keeps, so training, evaluation, prediction and Spark
 * executors build the same network.
 *
 * @param width columns of the input matrix
 * @param embedded the index columns, in column order
 */
public record InputLayout(int width, List<Embedded> embedded) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * A column holding category indices {@code 0 .. vocabulary-1}.
   *
   * @param name the source column's name
   * @param column its position in the input matrix
   * @param vocabulary rows of its embedding table
   * @param dimension width of its embedding
   */
  public record Embedded(String name, int column, int vocabulary, int dimension)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  public InputLayout {
    embedded = List.copyOf(embedded);
  }

  /** Every column a plain feature. */
  public static InputLayout dense(int width) {
    return new InputLayout(width, List.of());
  }

  /** The layout of a data set with the given preprocessing (CSV: its {@code features}). */
  @SuppressWarnings("unchecked")
  public static InputLayout of(int width, Map<String, Object> preprocessing) {
    Object features = preprocessing.get("features");
    if (!(features instanceof List<?>)) {
      return dense(width);
    }
    CsvSchema schema = CsvSchema.fromMaps((List<Map<String, Object>>) features);
    List<Embedded> out = new ArrayList<>();
    int column = 0;
    for (CsvSchema.Column c : schema.columns()) {
      if (c.categorical() && c.embedding() > 0) {
        out.add(new Embedded(c.name(), column, c.vocabulary(), c.embedding()));
      }
      column += c.width();
    }
    return new InputLayout(width, out);
  }

  /** Width of what the network's first layer sees: plain columns plus every embedding. */
  public int networkInputSize() {
    int size = width;
    for (Embedded e : embedded) {
      size += e.dimension() - 1;
    }
    return size;
  }
}
