package org.mtl4j.trainer.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.mtl4j.api.nn.FeatureShape;

/**
 * Decodes image files (PNG, JPEG, and any other format the JDK's {@link ImageIO} reads) into
 * network input rows: resized to {@code size x size} (bilinear), gray or RGB, values in [0, 1]
 * normalised per channel with a stored mean and standard deviation, NCHW order. One image is
 * decoded at a time; an image larger than {@link #MAX_PIXELS} is refused before it is decoded.
 *
 * @param size height and width after resizing
 * @param rgb three channels (red, green, blue), else one (luminance)
 * @param mean per-channel mean subtracted (of [0, 1] values)
 * @param std per-channel standard deviation divided by
 */
public record ImageFiles(int size, boolean rgb, double[] mean, double[] std) {
  /** Largest decoded image accepted (width times height): 64 megapixels. */
  public static final long MAX_PIXELS = 64L << 20;

  /** File name extensions a folder prediction reads. */
  public static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif");

  public ImageFiles {
    if (size < 1 || size > 1024) {
      throw new IllegalArgumentException("image size must be in [1, 1024], got " + size);
    }
  }

  /** Without normalisation (mean 0, std 1): what the statistics are computed from. */
  public static ImageFiles raw(int size, boolean rgb) {
    int c = rgb ? 3 : 1;
    double[] ones = new double[c];
    java.util.Arrays.fill(ones, 1);
    return new ImageFiles(size, rgb, new double[c], ones);
  }

  public int channels() {
    return rgb ? 3 : 1;
  }

  public FeatureShape shape() {
    return new FeatureShape(channels(), size, size);
  }

  /** Values per image. */
  public int rowSize() {
    return channels() * size * size;
  }

  /** With the given per-channel statistics. */
  public ImageFiles normalised(double[] m, double[] s) {
    return new ImageFiles(size, rgb, m, s);
  }

  /**
   * Decodes {@code file} into {@code dst} from {@code offset} ({@link #rowSize()} values).
   *
   * @throws DataException naming the file when it cannot be read or decoded, or is too large
   */
  public void decode(Path file, float[] dst, int offset) {
    BufferedImage img = read(file);
    int type = rgb ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_BYTE_GRAY;
    BufferedImage scaled = new BufferedImage(size, size, type);
    Graphics2D g = scaled.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(img, 0, 0, size, size, null);
    } finally {
      g.dispose();
    }
    int plane = size * size;
    if (rgb) {
      int[] argb = scaled.getRGB(0, 0, size, size, null, 0, size);
      for (int p = 0; p < plane; p++) {
        int v = argb[p];
        dst[offset + p] = norm(((v >> 16) & 0xff) / 255f, 0);
        dst[offset + plane + p] = norm(((v >> 8) & 0xff) / 255f, 1);
        dst[offset + 2 * plane + p] = norm((v & 0xff) / 255f, 2);
      }
    } else {
      byte[] gray = new byte[plane];
      scaled.getRaster().getDataElements(0, 0, size, size, gray);
      for (int p = 0; p < plane; p++) {
        dst[offset + p] = norm((gray[p] & 0xff) / 255f, 0);
      }
    }
  }

  private float norm(float v, int c) {
    return (float) ((v - mean[c]) / std[c]);
  }

  private static BufferedImage read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file + ": no such image file");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw new DataException(
            file + ": not an image the JDK's ImageIO can read (PNG, JPEG, BMP, GIF)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new DataException(
              file
                  + ": "
                  + reader.getWidth(0)
                  + "x"
                  + reader.getHeight(0)
                  + " pixels, more than the "
                  + MAX_PIXELS
                  + " an image may have");
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof DataException d) {
        throw d;
      }
      throw new DataException(file + ": cannot be decoded as an image: " + e.getMessage(), e);
    }
  }

  /** The preprocessing entries that {@link #of} reads back. */
  public Map<String, Object> toMap() {
    return Map.of(
        "size",
        size,
        "color",
        rgb ? "rgb" : "gray",
        "mean",
        java.util.Arrays.stream(mean).boxed().toList(),
        "std",
        java.util.Arrays.stream(std).boxed().toList());
  }

  /** The decoder a checkpoint's {@code preprocessing.images} describes. */
  public static ImageFiles of(Map<?, ?> m) {
    List<?> mean = (List<?>) m.get("mean");
    List<?> std = (List<?>) m.get("std");
    return new ImageFiles(
        ((Number) m.get("size")).intValue(),
        "rgb".equals(m.get("color")),
        mean.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray(),
        std.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray());
  }
}
