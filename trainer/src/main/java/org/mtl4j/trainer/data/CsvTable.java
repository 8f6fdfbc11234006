package org.mtl4j.trainer.data;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.io.Excerpt;
import org.mtl4j.trainer.io.InputLimit;
import org.mtl4j.trainer.io.TextFiles;

/**
 * A CSV file read into memory with Jackson's CSV parser (RFC 4180: fields quoted with {@code "},
 * quotes doubled, line breaks inside quoted fields): a required header of distinct, non-empty names
 * and rows of the same width, each field trimmed; blank lines are skipped. Each row remembers the
 * line it starts on for error messages. Strict UTF-8 (an undecodable byte names its line and
 * offset); the limits {@link InputLimit#CSV_COLUMNS}, {@link InputLimit#CSV_FIELD_CHARS}, {@link
 * InputLimit#CSV_ROW_CHARS}, {@link InputLimit#CSV_ROWS} and {@link InputLimit#CSV_CELLS} are
 * checked while reading, so no file makes the reader hold more than those allow.
 */
public final class CsvTable {
  private final Path file;
  private final List<String> header;
  private final List<String[]> rows;
  private final int[] lines;
  private final Map<String, Integer> index;

  /** A table of the given header and rows ({@code lines[i]} is row i's line in the file). */
  public CsvTable(Path file, List<String> header, List<String[]> rows, int[] lines) {
    this.file = file;
    this.header = List.copyOf(header);
    this.rows = rows;
    this.lines = lines;
    this.index = new HashMap<>(header.size() * 2);
    for (int i = header.size() - 1; i >= 0; i--) {
      index.put(header.get(i), i);
    }
  }

  public Path file() {
    return file;
  }

  public List<String> header() {
    return header;
  }

  public List<String[]> rows() {
    return rows;
  }

  public int[] lines() {
    return lines;
  }

  /** Reads a file; a row with the wrong number of fields is an error naming file and line. */
  public static CsvTable read(Path file, char delimiter) {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new DataException(
          file
              + ": the delimiter "
              + Excerpt.quoted(String.valueOf(delimiter))
              + " cannot be used");
    }
    try (BufferedReader reader = utf8(file);
        CsvParser p = FACTORY.createParser(reader)) {
      p.setSchema(CsvSchema.emptySchema().withColumnSeparator(delimiter).withoutEscapeChar());
      return read(file, p);
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file", e);
    } catch (CharacterCodingException e) {
      throw new DataException(TextFiles.locateMalformed(file), e);
    } catch (IOException e) {
      throw new DataException(
          file + ": cannot be read: " + Excerpt.of(String.valueOf(e.getMessage())), e);
    }
  }

  private static final CsvFactory FACTORY = factory();

  private static CsvFactory factory() {
    CsvFactory f =
        CsvFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxStringLength((int) InputLimit.CSV_FIELD_CHARS.value() + 1)
                    .build())
            .build();
    f.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    f.disable(CsvParser.Feature.SKIP_EMPTY_LINES);
    return f;
  }

  private static BufferedReader utf8(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new DataException(file + ": is a folder, not a CSV file");
    }
    return new BufferedReader(
        new InputStreamReader(
            Files.newInputStream(file),
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)),
        1 << 16);
  }

  private static CsvTable read(Path file, CsvParser p) throws IOException {
    try {
      return readRows(file, p);
    } catch (StreamConstraintsException e) {
      throw new DataException(
          file
              + ":"
              + p.currentLocation().getLineNr()
              + ": "
              + InputLimit.CSV_FIELD_CHARS.exceeded(0, true),
          e);
    }
  }

  private static CsvTable readRows(Path file, CsvParser p) throws IOException {
    List<String> header = null;
    List<String[]> rows = new ArrayList<>();
    int[] lines = new int[1024];
    long cells = 0;
    List<String> fields = new ArrayList<>();
    JsonToken t = p.nextToken(); // the array that wraps the rows
    while (t != null && (t = p.nextToken()) == JsonToken.START_ARRAY) {
      int line = -1;
      int width = header == null ? (int) InputLimit.CSV_COLUMNS.value() : header.size();
      fields.clear();
      long chars = 0;
      while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
        String v = p.getText();
        if (line < 0) {
          line = p.currentTokenLocation().getLineNr();
        }
        if (InputLimit.CSV_FIELD_CHARS.exceededBy(v.length())) {
          throw new DataException(
              file
                  + ":"
                  + line
                  + ": field "
                  + (fields.size() + 1)
                  + ": "
                  + InputLimit.CSV_FIELD_CHARS.exceeded(v.length()));
        }
        chars += v.length() + 1;
        if (InputLimit.CSV_ROW_CHARS.exceededBy(chars)) {
          throw new DataException(
              file + ":" + line + ": " + InputLimit.CSV_ROW_CHARS.exceeded(chars, true));
        }
        if (fields.size() == width) {
          if (header == null) {
            throw new DataException(
                file + ":1: the header has " + InputLimit.CSV_COLUMNS.exceeded(width + 1, true));
          }
          throw new DataException(
              file
                  + ":"
                  + line
                  + ": more than "
                  + width
                  + " fields, but the header has "
                  + width
                  + " columns");
        }
        fields.add(v.trim());
      }
      if (fields.isEmpty() || (fields.size() == 1 && fields.get(0).isEmpty())) {
        if (header == null) {
          throw new DataException(file + ":1: the file is empty; a header line is required");
        }
        continue; // a blank line
      }
      if (header == null) {
        header = header(file, fields);
        continue;
      }
      if (fields.size() != header.size()) {
        throw new DataException(
            file
                + ":"
                + line
                + ": "
                + fields.size()
                + " fields, but the header has "
                + header.size()
                + " columns");
      }
      if (InputLimit.CSV_ROWS.exceededBy(rows.size() + 1L)) {
        throw new DataException(file + ": " + InputLimit.CSV_ROWS.exceeded(rows.size() + 1, true));
      }
      cells += fields.size();
      if (InputLimit.CSV_CELLS.exceededBy(cells)) {
        throw new DataException(
            file
                + ":"
                + line
                + ": "
                + InputLimit.CSV_CELLS.exceeded(cells, true)
                + " ("
                + header.size()
                + " columns)");
      }
      if (rows.size() == lines.length) {
        lines = Arrays.copyOf(lines, lines.length * 2);
      }
      lines[rows.size()] = line;
      rows.add(fields.toArray(new String[0]));
    }
    if (header == null) {
      throw new DataException(file + ":1: the file is empty; a header line is required");
    }
    return new CsvTable(file, header, rows, Arrays.copyOf(lines, rows.size()));
  }

  /** The header's names: non-empty and distinct (a hash set: linear in the number of columns). */
  private static List<String> header(Path file, List<String> fields) {
    List<String> header = new ArrayList<>(fields);
    if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
      header.set(0, header.get(0).substring(1).trim());
    }
    Map<String, Integer> seen = new HashMap<>(header.size() * 2);
    for (int i = 0; i < header.size(); i++) {
      String h = header.get(i);
      if (h.isEmpty()) {
        throw new DataException(file + ":1: column " + (i + 1) + " has an empty header name");
      }
      Integer first = seen.putIfAbsent(h, i);
      if (first != null) {
        throw new DataException(
            file
                + ":1: column "
                + (i + 1)
                + " repeats the header name "
                + Excerpt.quoted(h)
                + " of column "
                + (first + 1));
      }
    }
    return header;
  }

  /** Index of a column, or -1. */
  public int column(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  /** "file:line, column 'name'" for messages. */
  public String where(int row, int col) {
    return file + ":" + lines[row] + ", column " + Excerpt.quoted(header.get(col));
  }

  /** The header's names for a message: the first few, and how many there are. */
  public String columnsForMessage() {
    int show = Math.min(header.size(), 20);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < show; i++) {
      sb.append(i == 0 ? "" : ", ").append(Excerpt.of(header.get(i)));
    }
    if (show < header.size()) {
      sb.append(", ... (").append(header.size()).append(" columns)");
    }
    return sb.toString();
  }
}
