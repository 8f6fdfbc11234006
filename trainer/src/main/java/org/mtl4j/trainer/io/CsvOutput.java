package org.mtl4j.trainer.io;

import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes CSV with Jackson's CSV generator: RFC 4180 quoting (a field holding the delimiter, a quote
 * or a line break is quoted, quotes doubled), {@code \n} line ends, UTF-8. Text cells that a
 * spreadsheet would run as a formula (starting with {@code =}, {@code +}, {@code -}, {@code @}, a
 * tab or a carriage return; OWASP "CSV injection") get a leading {@code '} when the formula guard
 * is on (the default); cells that are numbers ({@link #number}, or text such as {@code -1.5} that
 * reads as a number) are never changed.
 */
public final class CsvOutput implements Closeable, Flushable {
  private static final CsvFactory FACTORY =
      CsvFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();
  private static final Pattern NUMBER =
      Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?|[-+]?(Infinity|NaN)");

  private final CsvGenerator gen;
  private final boolean formulaGuard;
  private boolean inRow;

  /**
   * @param formulaGuard whether text cells starting with {@code = + - @ \t \r} are prefixed with
   *     {@code '}
   */
  public CsvOutput(Writer out, char delimiter, boolean formulaGuard) throws IOException {
    this.gen = FACTORY.createGenerator(out);
    this.gen.enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING);
    this.gen.setSchema(
        CsvSchema.emptySchema()
            .withColumnSeparator(delimiter)
            .withLineSeparator("\n")
            .withoutEscapeChar());
    this.formulaGuard = formulaGuard;
  }

  /** UTF-8 CSV on a stream, comma-separated. */
  public static CsvOutput utf8(OutputStream out, boolean formulaGuard) throws IOException {
    return new CsvOutput(new OutputStreamWriter(out, StandardCharsets.UTF_8), ',', formulaGuard);
  }

  /** A text cell (quoted as needed, formula-guarded). */
  public CsvOutput text(String cell) throws IOException {
    startRow();
    gen.writeString(formulaGuard ? neutralised(cell) : cell);
    return this;
  }

  /** A number cell, written as given (never quoted or guarded); empty for a missing value. */
  public CsvOutput number(String cell) throws IOException {
    startRow();
    if (cell.isEmpty()) {
      gen.writeString("");
    } else {
      gen.writeNumber(cell);
    }
    return this;
  }

  /** A whole row of text cells. */
  public CsvOutput row(List<String> cells) throws IOException {
    for (String c : cells) {
      text(c);
    }
    return endRow();
  }

  /** Ends the current row (a row of no cells is an empty line). */
  public CsvOutput endRow() throws IOException {
    startRow();
    gen.writeEndArray();
    inRow = false;
    return this;
  }

  private void startRow() throws IOException {
    if (!inRow) {
      gen.writeStartArray();
      inRow = true;
    }
  }

  /**
   * The cell as a spreadsheet shows it as text: prefixed with {@code '} when it starts with {@code
   * = + - @ \t \r} and does not read as a number.
   */
  public static String neutralised(String cell) {
    if (cell.isEmpty()) {
      return cell;
    }
    char c = cell.charAt(0);
    boolean risky = c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    if (!risky || ((c == '-' || c == '+') && NUMBER.matcher(cell).matches())) {
      return cell;
    }
    return "'" + cell;
  }

  @Override
  public void flush() throws IOException {
    gen.flush();
  }

  /** Flushes; the underlying writer stays open (its owner closes it). */
  @Override
  public void close() throws IOException {
    gen.close();
  }
}
