package org.mtl4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** safetensors headers that declare too much, or shapes that are not integers. */
class SafeTensorsLimitsTest {
  @TempDir Path dir;

  private static Path file(Path f, String json, int dataBytes) throws Exception {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Files.newOutputStream(f)) {
      out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
      out.write(h);
      out.write(new byte[dataBytes]);
    }
    return f;
  }

  @Test
  void aHeaderOfAMillionEntriesIsRefusedWithoutHoldingIt() throws Exception {
    StringBuilder sb = new StringBuilder(40_000_000).append('{');
    for (int i = 0; i < 1_000_000; i++) {
      sb.append(i == 0 ? "" : ",")
          .append("\"t")
          .append(i)
          .append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
    }
    Path f = file(dir.resolve("many.safetensors"), sb.append('}').toString(), 0);
    sb = null;
    var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = bean.getThreadAllocatedBytes(id);
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(f));
    long bytes = bean.getThreadAllocatedBytes(id) - before;
    assertEquals(
        f
            + ": not a valid safetensors file: more than 65536 tensors in one safetensors file"
            + " exceed the limit safetensors.max_entries = 65536",
        e.getMessage());
    assertTrue(bytes < 256L << 20, bytes + " bytes allocated");
  }

  @Test
  void shapesMustBeIntegers() throws Exception {
    Path f =
        file(
            dir.resolve("frac.safetensors"),
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[11.5,8.5],\"data_offsets\":[0,352]}}",
            352);
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(f));
    assertEquals(
        f
            + ": not a valid safetensors file: tensor 'w' has dimension 11.5; expected a"
            + " non-negative integer",
        e.getMessage());
    Path g =
        file(
            dir.resolve("offs.safetensors"),
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8.0]}}",
            8);
    e = assertThrows(CheckpointException.class, () -> SafeTensors.read(g));
    assertTrue(e.getMessage().contains("has data offset 8.0"), e.getMessage());
  }

  @Test
  void aHeaderOverTheSizeLimitNamesIt() throws Exception {
    Path f = dir.resolve("huge.safetensors");
    Files.write(
        f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(200L << 20).array());
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(f));
    assertTrue(
        e.getMessage()
            .contains(
                "header length: 209715200 bytes in a safetensors JSON header exceed the limit"
                    + " safetensors.max_header_bytes = 104857600"),
        e.getMessage());
  }
}
