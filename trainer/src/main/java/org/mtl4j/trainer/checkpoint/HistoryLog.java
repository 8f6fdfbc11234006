package org.mtl4j.trainer.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.metrics.EpochRecord;

/**
 * The training history of a checkpoint folder, {@code history.jsonl}: one {@link EpochRecord} as
 * JSON a line, appended after each epoch, so that {@code checkpoint.json} stays small however many
 * epochs a run trains. {@code checkpoint.json} records how many records and bytes belong to it
 * ({@code history: {file, records, bytes}}); a reader reads exactly those bytes, so a record
 * appended by a later epoch, or by a run killed before its checkpoint.json was switched, is never
 * seen. Appending after such a kill first cuts the file back to the last checkpoint's length.
 */
final class HistoryLog {
  /** The most bytes of history read back (about 600 bytes an epoch: over 400,000 epochs). */
  static final long MAX_BYTES = 256L << 20;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .disable(
              com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private HistoryLog() {}

  /**
   * Makes {@code file} hold {@code history}, appending its last record when the file already holds
   * the others (as {@code previous}, the checkpoint.json being replaced, records), otherwise
   * rewriting it; returns the {@code history} section of the new checkpoint.json.
   */
  static Map<String, Object> append(Path file, List<EpochRecord> history, JsonNode previous)
      throws IOException {
    JsonNode h = previous.path("history");
    long prevRecords = h.path("records").asLong(-1);
    long prevBytes = h.path("bytes").asLong(-1);
    long bytes;
    if (!history.isEmpty()
        && prevRecords == history.size() - 1
        && prevBytes >= 0
        && Files.isRegularFile(file)
        && Files.size(file) >= prevBytes) {
      byte[] line = line(history.get(history.size() - 1));
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        ch.truncate(prevBytes);
        ch.position(prevBytes);
        ByteBuffer b = ByteBuffer.wrap(line);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      bytes = prevBytes + line.length;
    } else {
      java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
      for (EpochRecord r : history) {
        all.write(line(r));
      }
      AtomicFiles.write(file, all.toByteArray());
      bytes = all.size();
    }
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("file", CheckpointStore.HISTORY);
    section.put("records", history.size());
    section.put("bytes", bytes);
    return section;
  }

  /** The records a checkpoint.json's {@code history} section names (checked, bounded). */
  static List<EpochRecord> read(Path dir, JsonNode section, CheckpointFields fields)
      throws IOException {
    long records = fields.integer(section, "records", "history.records", 0, Integer.MAX_VALUE);
    long bytes = fields.integer(section, "bytes", "history.bytes", 0, MAX_BYTES);
    if (!CheckpointStore.HISTORY.equals(section.path("file").asText())) {
      throw fields.error("history.file", section.get("file"), CheckpointStore.HISTORY);
    }
    Path file = dir.resolve(CheckpointStore.HISTORY);
    if (records == 0) {
      return List.of();
    }
    if (!Files.isRegularFile(file) || Files.size(file) < bytes) {
      throw new CheckpointException(
          file
              + ": holds "
              + (Files.isRegularFile(file) ? Files.size(file) + " bytes" : "nothing (missing)")
              + " but "
              + CheckpointStore.METADATA
              + " records "
              + bytes
              + " bytes of history");
    }
    byte[] b = new byte[(int) bytes];
    try (InputStream in = Files.newInputStream(file)) {
      int off = 0;
      while (off < b.length) {
        int k = in.read(b, off, b.length - off);
        if (k < 0) {
          throw new CheckpointException(file + ": ends before " + bytes + " bytes");
        }
        off += k;
      }
    }
    String[] lines = new String(b, StandardCharsets.UTF_8).split("\n");
    if (lines.length != records) {
      throw new CheckpointException(
          file
              + ": its first "
              + bytes
              + " bytes hold "
              + lines.length
              + " records but "
              + CheckpointStore.METADATA
              + " records "
              + records);
    }
    List<EpochRecord> out = new ArrayList<>(lines.length);
    for (int i = 0; i < lines.length; i++) {
      try {
        out.add(JSON.readValue(lines[i], EpochRecord.class));
      } catch (IOException e) {
        throw new CheckpointException(file + ":" + (i + 1) + ": not an epoch record", e);
      }
    }
    return out;
  }

  private static byte[] line(EpochRecord r) throws IOException {
    byte[] json = JSON.writeValueAsBytes(r);
    byte[] out = java.util.Arrays.copyOf(json, json.length + 1);
    out[json.length] = '\n';
    return out;
  }
}
