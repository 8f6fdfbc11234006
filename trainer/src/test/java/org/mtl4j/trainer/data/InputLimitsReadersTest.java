package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV and IDX readers under the inputs of issue 19: limits named with their values, undecodable
 * bytes located, and memory that follows the file's real content rather than what it declares.
 */
class InputLimitsReadersTest {
  @TempDir Path dir;

  /** Bytes this thread allocated while running {@code r}. */
  static long allocated(Runnable r) {
    var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = bean.getThreadAllocatedBytes(id);
    r.run();
    return bean.getThreadAllocatedBytes(id) - before;
  }

  @Test
  void aMillionColumnHeaderIsRefusedAtTheColumnLimit() throws Exception {
    Path f = dir.resolve("wide.csv");
    StringBuilder sb = new StringBuilder(7_000_000);
    for (int i = 0; i < 1_000_000; i++) {
      sb.append(i == 0 ? "" : ",").append('c').append(i);
    }
    Files.writeString(f, sb.append("\n1\n"));
    DataException e = assertThrows(DataException.class, () -> CsvTable.read(f, ','));
    assertEquals(
        f
            + ":1: the header has more than 100000 columns in a CSV file exceed the limit"
            + " csv.max_columns = 100000",
        e.getMessage());
  }

  @Test
  void aRepeatedHeaderNameIsFoundInWideFiles() throws Exception {
    Path f = dir.resolve("dup.csv");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 90_000; i++) {
      sb.append('c').append(i).append(',');
    }
    Files.writeString(f, sb.append("c17\n").toString());
    DataException e = assertThrows(DataException.class, () -> CsvTable.read(f, ','));
    assertEquals(f + ":1: column 90001 repeats the header name 'c17' of column 18", e.getMessage());
  }

  @Test
  void aFieldOverTheFieldLimitIsRefusedWithoutEchoingIt() throws Exception {
    Path f = dir.resolve("long.csv");
    Files.writeString(f, "a,b\n1,\"" + "v".repeat((1 << 20) + 10) + "\"\n");
    DataException e = assertThrows(DataException.class, () -> CsvTable.read(f, ','));
    assertTrue(e.getMessage().startsWith(f + ":2: "), e.getMessage());
    assertTrue(e.getMessage().contains("csv.max_field_chars = 1048576"), e.getMessage());
    assertTrue(e.getMessage().length() < 300, e.getMessage());
  }

  @Test
  void quotedFieldsFollowRfc4180() throws Exception {
    Path f = dir.resolve("q.csv");
    Files.writeString(f, "\uFEFFa,b\n\"no, thanks\",\"say \"\"hi\"\"\nthere\"\n\n  \n3,4\r\n");
    CsvTable t = CsvTable.read(f, ',');
    assertEquals(java.util.List.of("a", "b"), t.header());
    assertEquals(2, t.rows().size());
    assertEquals("no, thanks", t.rows().get(0)[0]);
    assertEquals("say \"hi\"\nthere", t.rows().get(0)[1]);
    assertEquals(2, t.lines()[0]);
    assertEquals(6, t.lines()[1]);
    assertEquals(1, t.column("b"));
    assertEquals(-1, t.column("c"));
  }

  @Test
  void aNonUtf8CsvNamesFileLineAndByte() throws Exception {
    Path f = dir.resolve("latin1.csv");
    Files.write(f, "a,b\n1,2\n3,caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    DataException e = assertThrows(DataException.class, () -> CsvTable.read(f, ','));
    assertTrue(
        e.getMessage().startsWith(f + ":3: not UTF-8 text: byte 0xE9 at byte offset 13"),
        e.getMessage());
  }

  @Test
  void aHugeCellIsNotEchoedInANumberError() throws Exception {
    Path f = dir.resolve("cell.csv");
    Files.writeString(f, "x,y\n" + "q".repeat(500_000) + ",1\n2,2\n3,3\n");
    CsvTable t = CsvTable.read(f, ',');
    DataException e = assertThrows(DataException.class, () -> CsvSchema.number(t, 0, 0));
    assertTrue(e.getMessage().contains("... (500000 characters)"), e.getMessage());
    assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters");
  }

  @Test
  void aShortGzippedIdxDeclaringMillionsOfImagesAllocatesOnlyWhatItHolds() throws Exception {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(raw)) {
      gz.write(
          ByteBuffer.allocate(16).putInt(0x803).putInt(2_700_000).putInt(28).putInt(28).array());
      gz.write(new byte[20]);
    }
    Path f = dir.resolve("bomb-idx3-ubyte.gz");
    Files.write(f, raw.toByteArray());
    assertTrue(raw.size() <= 64, raw.size() + " bytes");
    DataException[] e = new DataException[1];
    long bytes =
        allocated(() -> e[0] = assertThrows(DataException.class, () -> IdxReader.readImages(f)));
    assertEquals(
        f
            + ": truncated: the header declares 2116800000 data bytes from byte offset 16"
            + " (uncompressed), the file holds 20",
        e[0].getMessage());
    assertTrue(bytes < 16L << 20, bytes + " bytes allocated");
  }

  @Test
  void anUncompressedIdxIsCheckedAgainstItsSizeBeforeAllocating() throws Exception {
    Path f = dir.resolve("short-idx3-ubyte");
    Files.write(
        f, ByteBuffer.allocate(48).putInt(0x803).putInt(2_700_000).putInt(28).putInt(28).array());
    DataException[] e = new DataException[1];
    long bytes =
        allocated(() -> e[0] = assertThrows(DataException.class, () -> IdxReader.readImages(f)));
    assertEquals(
        f
            + ": truncated: the header declares 2116800000 data bytes from byte offset 16,"
            + " the file holds 32",
        e[0].getMessage());
    assertTrue(bytes < 16L << 20, bytes + " bytes allocated");
  }

  @Test
  void dimensionsWhoseProductOverflowsALongAreRefused() throws Exception {
    Path f = dir.resolve("overflow-idx3-ubyte");
    Files.write(
        f,
        ByteBuffer.allocate(16)
            .putInt(0x803)
            .putInt(0x2d00)
            .putInt(0x026a0000)
            .putInt(0x0200000b)
            .array());
    DataException e = assertThrows(DataException.class, () -> IdxReader.readImages(f));
    assertTrue(e.getMessage().contains("the limit idx.max_bytes = 2147483631"), e.getMessage());
  }
}
