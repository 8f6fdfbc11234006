package org.mtl4j.trainer.checkpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.mtl4j.trainer.io.Excerpt;
import org.mtl4j.trainer.io.InputLimit;

/**
 * The safetensors format of Hugging Face (readable by {@code safetensors.numpy.load_file} and
 * {@code safetensors.torch.load_file}): an 8-byte little-endian header length N, N bytes of JSON
 * ({@code {"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {string: string}}}) padded with spaces to a multiple of 8, then the little-endian
 * data. Two dtypes are written and read: F32 ({@link Entry}) and I64 ({@link IntEntry}, counters).
 */
public final class SafeTensors {
  /** Largest header accepted (the format's own reference limit is 100 MB). */
  public static final long MAX_HEADER = InputLimit.SAFETENSORS_HEADER_BYTES.value();

  /** One tensor: its shape and row-major values. */
  public record Entry(int[] shape, float[] data) {
    public Entry {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      if (n != data.length) {
        throw new IllegalArgumentException(
            data.length + " values for shape " + java.util.Arrays.toString(shape));
      }
    }
  }

  /** One I64 tensor (a counter): its shape ({@code []} for a scalar) and row-major values. */
  public record IntEntry(int[] shape, long[] data) {
    public IntEntry {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      if (n != data.length) {
        throw new IllegalArgumentException(
            data.length + " values for shape " + java.util.Arrays.toString(shape));
      }
    }
  }

  /** A file's F32 tensors and I64 tensors, each in file order, and its string metadata. */
  public record Content(
      Map<String, Entry> tensors, Map<String, IntEntry> integers, Map<String, String> metadata) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafeTensors() {}

  /** Writes F32 tensors atomically (see {@link AtomicFiles}). */
  public static void write(Path file, Map<String, Entry> tensors, Map<String, String> metadata)
      throws IOException {
    write(file, tensors, Map.of(), metadata);
  }

  /**
   * Writes F32 tensors, then I64 tensors, atomically (see {@link AtomicFiles}); the metadata keys
   * in sorted order, so that the same content gives the same bytes (a {@code Map.of} iterates in a
   * different order in every JVM).
   */
  public static void write(
      Path file,
      Map<String, Entry> tensors,
      Map<String, IntEntry> integers,
      Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      new TreeMap<>(metadata).forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Entry> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      ArrayNode shape = t.putArray("shape");
      for (int d : e.getValue().shape()) {
        shape.add(d);
      }
      long len = 4L * e.getValue().data().length;
      t.putArray("data_offsets").add(offset).add(offset + len);
      offset += len;
    }
    for (Map.Entry<String, IntEntry> e : integers.entrySet()) {
      if (tensors.containsKey(e.getKey())) {
        throw new IllegalArgumentException("tensor name '" + e.getKey() + "' is used twice");
      }
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "I64");
      ArrayNode shape = t.putArray("shape");
      for (int d : e.getValue().shape()) {
        shape.add(d);
      }
      long len = 8L * e.getValue().data().length;
      t.putArray("data_offsets").add(offset).add(offset + len);
      offset += len;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    byte[] h = new byte[padded];
    System.arraycopy(json, 0, h, 0, json.length);
    for (int i = json.length; i < padded; i++) {
      h[i] = ' ';
    }
    AtomicFiles.write(
        file,
        out -> {
          ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
          out.write(len.array());
          out.write(h);
          for (Entry en : tensors.values()) {
            writeFloats(out, en.data());
          }
          for (IntEntry en : integers.values()) {
            ByteBuffer buf =
                ByteBuffer.allocate(8 * en.data().length).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : en.data()) {
              buf.putLong(v);
            }
            out.write(buf.array());
          }
        });
  }

  private static void writeFloats(OutputStream out, float[] data) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : data) {
      if (!buf.hasRemaining()) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      buf.putFloat(f);
    }
    out.write(buf.array(), 0, buf.position());
  }

  /**
   * Reads a file. The header length is checked against the file size and {@link #MAX_HEADER} before
   * anything is allocated; offsets must be in range, contiguous and match the shapes.
   */
  public static Content read(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw bad(file, "file has " + size + " bytes, fewer than the 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long n = lenBuf.flip().getLong();
      if (InputLimit.SAFETENSORS_HEADER_BYTES.exceededBy(n)) {
        throw bad(file, "header length: " + InputLimit.SAFETENSORS_HEADER_BYTES.exceeded(n));
      }
      if (n < 2 || n > size - 8) {
        throw bad(file, "header length " + n + " is absurd for a file of " + size + " bytes");
      }
      Header header = header(file, ch, n);
      long dataStart = 8 + n;
      long dataLen = size - dataStart;
      record Raw(String name, boolean integer, int[] shape, long count, long begin, long end) {
        long bytes() {
          return (integer ? 8 : 4) * count;
        }
      }
      java.util.List<Raw> raws = new java.util.ArrayList<>();
      Map<String, String> meta = header.metadata();
      for (Map.Entry<String, JsonNode> e : header.tensors().entrySet()) {
        JsonNode t = e.getValue();
        String name = e.getKey();
        String dtype = t.path("dtype").asText();
        if (!dtype.equals("F32") && !dtype.equals("I64")) {
          throw bad(
              file,
              "tensor "
                  + Excerpt.quoted(name)
                  + " has dtype "
                  + Excerpt.of(t.path("dtype").toString())
                  + ", only F32 and I64 are supported");
        }
        JsonNode shapeNode = t.path("shape");
        JsonNode offs = t.path("data_offsets");
        if (!shapeNode.isArray() || !offs.isArray() || offs.size() != 2) {
          throw bad(file, "tensor " + Excerpt.quoted(name) + " lacks a shape or two data_offsets");
        }
        int[] shape = new int[shapeNode.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
          JsonNode dn = shapeNode.get(i);
          long d = dn.isIntegralNumber() && dn.canConvertToLong() ? dn.asLong() : -1;
          if (d < 0 || d > Integer.MAX_VALUE) {
            throw bad(
                file,
                "tensor "
                    + Excerpt.quoted(name)
                    + " has dimension "
                    + Excerpt.of(dn.toString())
                    + "; expected a non-negative integer");
          }
          shape[i] = (int) d;
          count *= d;
          if (InputLimit.TENSOR_ELEMENTS.exceededBy(count)) {
            throw bad(
                file,
                "tensor "
                    + Excerpt.quoted(name)
                    + ": "
                    + InputLimit.TENSOR_ELEMENTS.exceeded(count, true));
          }
        }
        long[] range = new long[2];
        for (int i = 0; i < 2; i++) {
          JsonNode o = offs.get(i);
          range[i] = o.isIntegralNumber() && o.canConvertToLong() ? o.asLong() : -1;
          if (range[i] < 0) {
            throw bad(
                file,
                "tensor "
                    + Excerpt.quoted(name)
                    + " has data offset "
                    + Excerpt.of(o.toString())
                    + "; expected a non-negative integer");
          }
        }
        raws.add(new Raw(name, dtype.equals("I64"), shape, count, range[0], range[1]));
      }
      long described = 0;
      for (Raw r : raws) {
        described = Math.max(described, r.end());
      }
      if (described > dataLen) {
        throw bad(
            file,
            "truncated: the header places tensor data up to byte "
                + described
                + " but the file holds "
                + dataLen
                + " data bytes ("
                + (described - dataLen)
                + " missing)");
      }
      // the format lays tensors out back to back without gaps, in any header order
      java.util.List<Raw> byOffset = new java.util.ArrayList<>(raws);
      byOffset.sort(java.util.Comparator.comparingLong(Raw::begin));
      long expectedBegin = 0;
      for (Raw r : byOffset) {
        if (r.begin() != expectedBegin
            || r.end() < r.begin()
            || r.end() > dataLen
            || r.end() - r.begin() != r.bytes()) {
          throw bad(
              file,
              "tensor '"
                  + r.name()
                  + "' has data_offsets ["
                  + r.begin()
                  + ", "
                  + r.end()
                  + "], expected ["
                  + expectedBegin
                  + ", "
                  + (expectedBegin + r.bytes())
                  + "] within "
                  + dataLen
                  + " data bytes");
        }
        expectedBegin = r.end();
      }
      if (expectedBegin != dataLen) {
        throw bad(file, dataLen + " data bytes but the tensors cover " + expectedBegin);
      }
      Map<String, Entry> tensors = new LinkedHashMap<>();
      Map<String, IntEntry> integers = new LinkedHashMap<>();
      for (Raw r : raws) {
        ByteBuffer db =
            ByteBuffer.allocate((int) (r.end() - r.begin())).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, db, dataStart + r.begin());
        db.flip();
        if (r.integer()) {
          long[] data = new long[(int) r.count()];
          db.asLongBuffer().get(data);
          integers.put(r.name(), new IntEntry(r.shape(), data));
        } else {
          float[] data = new float[(int) r.count()];
          db.asFloatBuffer().get(data);
          tensors.put(r.name(), new Entry(r.shape(), data));
        }
      }
      return new Content(tensors, integers, meta);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** A header's tensor entries (each a small JSON tree) and its string metadata. */
  private record Header(Map<String, JsonNode> tensors, Map<String, String> metadata) {}

  /**
   * Parses the {@code n}-byte JSON header streaming from the file, one entry at a time, so that a
   * header of a million entries is refused at entry {@link InputLimit#SAFETENSORS_ENTRIES} + 1
   * without holding it: memory is bounded by the entry limit, not by the header's size.
   */
  private static Header header(Path file, FileChannel ch, long n) throws IOException {
    ch.position(8);
    InputStream in = new BoundedStream(Channels.newInputStream(ch), n);
    Map<String, JsonNode> tensors = new LinkedHashMap<>();
    Map<String, String> meta = new LinkedHashMap<>();
    try (JsonParser p = JSON.getFactory().createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw bad(file, "header is not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        JsonNode value = p.readValueAsTree();
        if (name.equals("__metadata__")) {
          if (value == null || !value.isObject()) {
            throw bad(file, "__metadata__ is not a JSON object");
          }
          value.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
          continue;
        }
        if (value == null || !value.isObject()) {
          throw bad(file, "tensor " + Excerpt.quoted(name) + " is not a JSON object");
        }
        if (tensors.put(name, value) != null) {
          throw bad(file, "tensor " + Excerpt.quoted(name) + " is listed twice");
        }
        if (InputLimit.SAFETENSORS_ENTRIES.exceededBy(tensors.size())) {
          throw bad(file, InputLimit.SAFETENSORS_ENTRIES.exceeded(tensors.size(), true));
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw bad(file, "header is not one JSON object (padded with spaces)");
      }
    } catch (JsonProcessingException e) {
      throw bad(
          file, "header is not valid JSON: " + Excerpt.of(String.valueOf(e.getOriginalMessage())));
    }
    return new Header(tensors, meta);
  }

  /** At most {@code limit} bytes of a stream. */
  private static final class BoundedStream extends FilterInputStream {
    private long left;

    BoundedStream(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int r = super.read(b, off, (int) Math.min(len, left));
      if (r > 0) {
        left -= r;
      }
      return r;
    }

    @Override
    public void close() {
      // the channel belongs to the caller
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new IOException("unexpected end of file at byte " + pos);
      }
      pos += r;
    }
  }

  private static CheckpointException bad(Path file, String why) {
    return new CheckpointException(file + ": not a valid safetensors file: " + why);
  }
}
