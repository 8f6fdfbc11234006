package org.mtl4j.trainer.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.mtl4j.trainer.io.InputLimit;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST (LeCun et al. 1998; Xiao et al. 2017), gzipped or
 * not: a big-endian magic {@code 0x0000 08 NN} (unsigned bytes, NN dimensions), the dimension
 * sizes, then the data. Errors name the file and the byte offset.
 */
public final class IdxReader {

  /** Images: {@code count x rows x cols} unsigned bytes. */
  public record Images(int count, int rows, int cols, byte[] pixels) {}

  private IdxReader() {}

  /**
   * Reads an image file. The declared size is checked against {@link InputLimit#IDX_BYTES} and, for
   * an uncompressed file, against the file's size before anything is allocated; a gzipped file is
   * read in growing chunks, so a short file that declares millions of images holds only what it
   * really contains when it is reported as truncated.
   */
  public static Images readImages(Path file) {
    try (InputStream in = open(file)) {
      int[] dims = header(in, file, 3);
      // each factor is below 2^31, so the first product fits a long; the second is checked
      long rc = (long) dims[1] * dims[2];
      long n =
          dims[0] == 0 ? 0 : rc > Long.MAX_VALUE / dims[0] ? Long.MAX_VALUE : (long) dims[0] * rc;
      if (InputLimit.IDX_BYTES.exceededBy(n)) {
        throw new DataException(
            file
                + ": header declares "
                + dims[0]
                + " x "
                + dims[1]
                + " x "
                + dims[2]
                + " pixels: "
                + InputLimit.IDX_BYTES.exceeded(n));
      }
      byte[] px = readData(in, file, 16, (int) n);
      return new Images(dims[0], dims[1], dims[2], px);
    } catch (IOException e) {
      throw new DataException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** Labels, each checked to lie in {@code [0, classes)}. */
  public static byte[] readLabels(Path file, int classes) {
    try (InputStream in = open(file)) {
      int[] dims = header(in, file, 1);
      byte[] labels = readData(in, file, 8, dims[0]);
      for (int i = 0; i < labels.length; i++) {
        int l = labels[i] & 0xFF;
        if (l >= classes) {
          throw new DataException(
              file
                  + ": label "
                  + l
                  + " of item "
                  + i
                  + " (byte offset "
                  + (8 + i)
                  + ") is not in [0, "
                  + (classes - 1)
                  + "]");
        }
      }
      return labels;
    } catch (IOException e) {
      throw new DataException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** The first bytes of a growing read, and the most it grows by at a time. */
  static final int CHUNK = 1 << 20;

  /**
   * The {@code n} data bytes that follow the header at {@code offset}. An uncompressed file must
   * hold them (checked against its size first); otherwise the buffer grows with the data read
   * (doubling, at most {@code n}), so memory follows the real content, not the declared size.
   */
  private static byte[] readData(InputStream in, Path file, long offset, int n) throws IOException {
    if (!isGzip(file)) {
      long size = Files.size(file);
      if (size - offset < n) {
        throw new DataException(
            file
                + ": truncated: the header declares "
                + n
                + " data bytes from byte offset "
                + offset
                + ", the file holds "
                + Math.max(0, size - offset));
      }
      byte[] buf = allocate(file, n);
      readFully(in, buf, file, offset);
      return buf;
    }
    byte[] buf = allocate(file, Math.min(n, CHUNK));
    int pos = 0;
    while (pos < n) {
      if (pos == buf.length) {
        buf = grow(file, buf, pos, (int) Math.min(n, Math.max((long) pos * 2, CHUNK)));
      }
      int r;
      try {
        r = in.read(buf, pos, buf.length - pos);
      } catch (EOFException e) {
        r = -1;
      }
      if (r < 0) {
        throw new DataException(
            file
                + ": truncated: the header declares "
                + n
                + " data bytes from byte offset "
                + offset
                + " (uncompressed), the file holds "
                + pos);
      }
      pos += r;
    }
    return buf;
  }

  private static byte[] grow(Path file, byte[] old, int used, int size) {
    byte[] b = allocate(file, size);
    System.arraycopy(old, 0, b, 0, used);
    return b;
  }

  /** An array of {@code n} bytes, or a user error naming the size when the heap cannot hold it. */
  private static byte[] allocate(Path file, int n) {
    try {
      return new byte[n];
    } catch (OutOfMemoryError e) {
      throw new DataException(
          file
              + ": "
              + n
              + " bytes of data do not fit in the Java heap (max "
              + (Runtime.getRuntime().maxMemory() >> 20)
              + " MiB); raise -Xmx (MTL4J_JAVA_OPTS)");
    }
  }

  private static boolean isGzip(Path file) {
    return file.toString().endsWith(".gz");
  }

  private static InputStream open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file + ": no such file");
    }
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    if (isGzip(file)) {
      try {
        return new GZIPInputStream(raw, 1 << 16);
      } catch (IOException e) {
        raw.close();
        throw new DataException(file + ": not a gzip file: " + e.getMessage(), e);
      }
    }
    return raw;
  }

  private static int[] header(InputStream in, Path file, int rank) throws IOException {
    byte[] m = new byte[4];
    readFully(in, m, file, 0);
    int magic = readInt(m, 0);
    int expected = 0x0800 | rank;
    if (magic != expected) {
      throw new DataException(
          String.format(
              "%s: wrong magic number 0x%08X at byte offset 0, expected 0x%08X (unsigned bytes,"
                  + " %d dimension%s)",
              file, magic, expected, rank, rank == 1 ? "" : "s"));
    }
    byte[] h = new byte[4 + 4 * rank];
    readFully(in, h, 4, h.length, file, 0);
    int[] dims = new int[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = readInt(h, 4 + 4 * i);
      if (dims[i] < 0 || (i > 0 && dims[i] == 0)) {
        throw new DataException(
            file
                + ": dimension "
                + i
                + " at byte offset "
                + (4 + 4 * i)
                + " is "
                + dims[i]
                + ", expected a positive size");
      }
    }
    return dims;
  }

  /** Reads {@code buf.length} bytes that start at byte {@code offset} of the file. */
  private static void readFully(InputStream in, byte[] buf, Path file, long offset)
      throws IOException {
    readFully(in, buf, 0, buf.length, file, offset);
  }

  /** Reads {@code buf[from, to)}, which lies at file offset {@code offset + from}. */
  private static void readFully(
      InputStream in, byte[] buf, int from, int to, Path file, long offset) throws IOException {
    int pos = from;
    while (pos < to) {
      int r;
      try {
        r = in.read(buf, pos, to - pos);
      } catch (EOFException e) {
        r = -1;
      }
      if (r < 0) {
        throw new DataException(
            file
                + ": truncated at byte offset "
                + (offset + pos)
                + ", expected "
                + (to - from)
                + " bytes from offset "
                + (offset + from));
      }
      pos += r;
    }
  }

  private static int readInt(byte[] b, int off) {
    return ((b[off] & 0xFF) << 24)
        | ((b[off + 1] & 0xFF) << 16)
        | ((b[off + 2] & 0xFF) << 8)
        | (b[off + 3] & 0xFF);
  }
}
