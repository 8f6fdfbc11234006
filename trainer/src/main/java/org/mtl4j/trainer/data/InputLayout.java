package org.mtl4j.trainer.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.nn.FeatureShape;

/**
 * What the columns of a data set's input matrix hold: plain features, or category indices that the
 * network embeds (CSV columns listed in {@code data.options.embed}). Derived from the data set's
 * preprocessing, which the checkpoint keeps, so training, evaluation, prediction and Spark
 * executors build the same network.
 *
 * <p>An image data set says so in its preprocessing ({@value #IMAGE}: {@code {channels, height,
 * width}}): its rows are images in NCHW order ({@code C*H*W} values), which a convolutional trunk
 * reads as images and an MLP as flat features.
 *
 * @param width columns of the input matrix
 * @param embedded the index columns, in column order
 * @param image the shape of one row read as an image, or null when the rows are not images
 */
public record InputLayout(int width, List<Embedded> embedded, FeatureShape image)
    implements Serializable {
  private static final long serialVersionUID = 2L;

  /** The preprocessing key of an image data set's shape. */
  public static final String IMAGE = "image";

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
    if (image != null && (image.size() != width || !embedded.isEmpty())) {
      throw new IllegalArgumentException(
          "an image input " + image + " needs " + image.size() + " plain columns, not " + width);
    }
  }

  public InputLayout(int width, List<Embedded> embedded) {
    this(width, embedded, null);
  }

  /** Every column a plain feature. */
  public static InputLayout dense(int width) {
    return new InputLayout(width, List.of());
  }

  /** Rows that are images of the given shape. */
  public static InputLayout image(FeatureShape shape) {
    return new InputLayout(shape.size(), List.of(), shape);
  }

  /** The preprocessing entry that marks rows as images of {@code shape}. */
  public static Map<String, Object> imageEntry(FeatureShape shape) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channels", shape.channels());
    m.put("height", shape.height());
    m.put("width", shape.width());
    return m;
  }

  /** The layout of a data set with the given preprocessing (CSV: its {@code features}). */
  @SuppressWarnings("unchecked")
  public static InputLayout of(int width, Map<String, Object> preprocessing) {
    if (preprocessing.get(IMAGE) instanceof Map<?, ?> m) {
      FeatureShape shape =
          new FeatureShape(
              ((Number) m.get("channels")).intValue(),
              ((Number) m.get("height")).intValue(),
              ((Number) m.get("width")).intValue());
      if (shape.size() != width) {
        throw new IllegalArgumentException(
            "preprocessing.image "
                + shape
                + " holds "
                + shape.size()
                + " values, but the rows have "
                + width);
      }
      return image(shape);
    }
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
