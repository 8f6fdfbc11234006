package org.mtl4j.trainer.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file read into memory: a required header and rows of the same width (RFC 4180 quoting
 * within a line). Each row remembers its line number for error messages.
 */
public record CsvTable(Path file, List<String> header, List<String[]> rows, int[] lines) {

  /** Reads a file; a row with the wrong number of fields is an error naming file and line. */
  public static CsvTable read(Path file, char delimiter) {
    List<String[]> rows = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    List<String> header;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String first = r.readLine();
      if (first == null || first.isBlank()) {
        throw new DataException(file + ":1: the file is empty; a header line is required");
      }
      if (first.startsWith("\uFEFF")) {
        first = first.substring(1);
      }
      header = List.of(split(first, delimiter, file, 1));
      for (int i = 0; i < header.size(); i++) {
        String h = header.get(i).trim();
        if (h.isEmpty()) {
          throw new DataException(file + ":1: column " + (i + 1) + " has an empty header name");
        }
        if (header.subList(0, i).contains(header.get(i))) {
          throw new DataException(
              file + ":1: column " + (i + 1) + " repeats the header name '" + h + "'");
        }
      }
      String line;
      int no = 1;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = split(line, delimiter, file, no);
        if (f.length != header.size()) {
          throw new DataException(
              file
                  + ":"
                  + no
                  + ": "
                  + f.length
                  + " fields, but the header"
                  + " has "
                  + header.size()
                  + " columns");
        }
        rows.add(f);
        lines.add(no);
      }
    } catch (IOException e) {
      throw new DataException(file + ": cannot be read: " + e.getMessage(), e);
    }
    return new CsvTable(file, header, rows, lines.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Index of a column, or -1. */
  /** A cell as written to CSV: quoted (quotes doubled) when it holds a comma, quote or newline. */
  public static String quote(String cell) {
    if (cell.indexOf(',') < 0
        && cell.indexOf('"') < 0
        && cell.indexOf('\n') < 0
        && cell.indexOf('\r') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }

  public int column(String name) {
    return header.indexOf(name);
  }

  /** "file:line, column 'name'" for messages. */
  public String where(int row, int col) {
    return file + ":" + lines[row] + ", column '" + header.get(col) + "'";
  }

  static String[] split(String line, char delimiter, Path file, int no) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == '"' && cur.length() == 0) {
        quoted = true;
      } else if (c == delimiter) {
        out.add(cur.toString().trim());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw new DataException(file + ":" + no + ": unterminated quoted field");
    }
    out.add(cur.toString().trim());
    return out.toArray(new String[0]);
  }
}
