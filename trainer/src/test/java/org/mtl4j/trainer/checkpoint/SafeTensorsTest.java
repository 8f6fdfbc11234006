package org.mtl4j.trainer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
  @TempDir Path dir;

  private static Map<String, SafeTensors.Entry> sample() {
    Map<String, SafeTensors.Entry> m = new LinkedHashMap<>();
    m.put(
        "trunk.0.weight",
        new SafeTensors.Entry(
            new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 1e30f}));
    m.put("head.bias", new SafeTensors.Entry(new int[] {1, 1}, new float[] {0.25f}));
    return m;
  }

  @Test
  void roundTripsValuesShapesAndMetadata() throws Exception {
    Path f = dir.resolve("w.safetensors");
    SafeTensors.write(f, sample(), Map.of("format", "pt"));
    SafeTensors.Content c = SafeTensors.read(f);
    assertEquals(sample().keySet(), c.tensors().keySet());
    for (var e : sample().entrySet()) {
      assertArrayEquals(e.getValue().shape(), c.tensors().get(e.getKey()).shape());
      assertArrayEquals(e.getValue().data(), c.tensors().get(e.getKey()).data());
    }
    assertEquals("pt", c.metadata().get("format"));
  }

  @Test
  void theSameContentGivesTheSameBytesWhateverTheMetadataMapsOrder() throws Exception {
    Map<String, String> forward = new LinkedHashMap<>();
    forward.put("format", "pt");
    forward.put("producer", "mtl4j");
    forward.put("epoch", "3");
    Map<String, String> backward = new LinkedHashMap<>();
    backward.put("epoch", "3");
    backward.put("producer", "mtl4j");
    backward.put("format", "pt");
    Path a = dir.resolve("a.safetensors");
    Path b = dir.resolve("b.safetensors");
    SafeTensors.write(a, sample(), forward);
    SafeTensors.write(b, sample(), backward);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    String header = new String(Files.readAllBytes(a), StandardCharsets.UTF_8);
    assertTrue(
        header.contains("{\"__metadata__\":{\"epoch\":\"3\",\"format\":\"pt\",\"producer\""),
        header);
  }

  @Test
  void layoutIsTheSafetensorsFormat() throws Exception {
    Path f = dir.resolve("w.safetensors");
    SafeTensors.write(f, sample(), Map.of());
    byte[] bytes = Files.readAllBytes(f);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = b.getLong(0);
    assertEquals(0, n % 8, "header padded to 8 bytes");
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).trim();
    assertTrue(
        header.startsWith(
            "{\"trunk.0.weight\":{\"dtype\":\"F32\",\"shape\":[2,3]," + "\"data_offsets\":[0,24]}"),
        header);
    assertTrue(
        header.contains(
            "\"head.bias\":{\"dtype\":\"F32\",\"shape\":[1,1]," + "\"data_offsets\":[24,28]}"),
        header);
    assertEquals(8 + n + 28, bytes.length);
    assertEquals(3.5f, b.getFloat((int) (8 + n + 8)));
    assertEquals(0.25f, b.getFloat((int) (8 + n + 24)));
  }

  @Test
  void sixtyFourBitIntegersFollowTheFloatsAndRoundTrip() throws Exception {
    Path f = dir.resolve("o.safetensors");
    long big = (1L << 53) + 3;
    SafeTensors.write(
        f,
        sample(),
        Map.of("steps", new SafeTensors.IntEntry(new int[0], new long[] {big})),
        Map.of());
    byte[] bytes = Files.readAllBytes(f);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long n = b.getLong(0);
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8).trim();
    assertTrue(
        header.contains("\"steps\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[28,36]}"),
        header);
    assertEquals(big, b.getLong((int) (8 + n + 28)));
    SafeTensors.Content c = SafeTensors.read(f);
    assertArrayEquals(new long[] {big}, c.integers().get("steps").data());
    assertEquals(sample().keySet(), c.tensors().keySet());
  }

  @Test
  void otherDtypesAreRefusedByName() throws Exception {
    Path f = dir.resolve("w.safetensors");
    SafeTensors.write(f, sample(), Map.of());
    byte[] bytes = Files.readAllBytes(f);
    String s =
        new String(bytes, StandardCharsets.ISO_8859_1)
            .replace("\"F32\",\"shape\":[1,1]", "\"F16\",\"shape\":[1,1]");
    Files.write(f, s.getBytes(StandardCharsets.ISO_8859_1));
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(f));
    assertEquals(
        f
            + ": not a valid safetensors file: tensor 'head.bias' has dtype \"F16\", only F32 and"
            + " I64 are supported",
        e.getMessage());
  }

  @Test
  void headerLargerThanTheFileIsRejectedBeforeAllocation() throws Exception {
    Path f = dir.resolve("huge.safetensors");
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(Long.MAX_VALUE / 2).putLong(0);
    Files.write(f, b.array());
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(f));
    assertEquals(
        f
            + ": not a valid safetensors file: header length: "
            + (Long.MAX_VALUE / 2)
            + " bytes in a safetensors JSON header exceed the limit"
            + " safetensors.max_header_bytes = "
            + SafeTensors.MAX_HEADER,
        e.getMessage());
    Path g = dir.resolve("neg.safetensors");
    b.clear();
    b.putLong(-5).putLong(0);
    Files.write(g, b.array());
    assertThrows(CheckpointException.class, () -> SafeTensors.read(g));
  }

  @Test
  void offsetsBeyondTheDataAndTruncationAreRejected() throws Exception {
    Path f = dir.resolve("w.safetensors");
    SafeTensors.write(f, sample(), Map.of());
    byte[] bytes = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.safetensors");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 4));
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.read(cut));
    assertTrue(
        e.getMessage()
            .endsWith(
                "cut.safetensors: not a valid safetensors file: truncated: the header places"
                    + " tensor data up to byte 28 but the file holds 24 data bytes (4 missing)"),
        e.getMessage());
    Path shortFile = dir.resolve("tiny.safetensors");
    Files.write(shortFile, new byte[3]);
    assertThrows(CheckpointException.class, () -> SafeTensors.read(shortFile));
  }

  @Test
  void headerOrderMayDifferFromDataOrderAsInFilesWrittenByPyTorch() throws Exception {
    String json =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).putFloat(2f).putFloat(1f);
    Path f = dir.resolve("torch.safetensors");
    Files.write(f, b.array());
    SafeTensors.Content c = SafeTensors.read(f);
    assertArrayEquals(new float[] {1f}, c.tensors().get("a").data());
    assertArrayEquals(new float[] {2f}, c.tensors().get("b").data());
  }
}
