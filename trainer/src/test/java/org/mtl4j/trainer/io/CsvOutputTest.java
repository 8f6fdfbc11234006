package org.mtl4j.trainer.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvOutputTest {
  private static String write(boolean guard, List<String> text, List<String> numbers)
      throws Exception {
    StringWriter w = new StringWriter();
    try (CsvOutput csv = new CsvOutput(w, ',', guard)) {
      for (String t : text) {
        csv.text(t);
      }
      for (String n : numbers) {
        csv.number(n);
      }
      csv.endRow();
    }
    return w.toString();
  }

  @Test
  void quotesWhatRfc4180Requires() throws Exception {
    assertEquals(
        "plain,\"no, thanks\",\"say \"\"hi\"\"\",\"two\nlines\",1.5\n",
        write(true, List.of("plain", "no, thanks", "say \"hi\"", "two\nlines"), List.of("1.5")));
  }

  @Test
  void guardsFormulaTextButNotNumbers() throws Exception {
    assertEquals(
        "'=1+2,'+A1,'-cmd,'@SUM(A1),-1.5,+3,-2,-1.5,1e-3\n",
        write(
            true,
            List.of("=1+2", "+A1", "-cmd", "@SUM(A1)", "-1.5", "+3"),
            List.of("-2", "-1.5", "1e-3")));
    assertEquals(
        "=1+2,+A1,-cmd,@SUM(A1)\n",
        write(false, List.of("=1+2", "+A1", "-cmd", "@SUM(A1)"), List.of()));
    assertEquals("'\tx", CsvOutput.neutralised("\tx"));
    assertEquals("", CsvOutput.neutralised(""));
  }
}
