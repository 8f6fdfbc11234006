package org.mtl4j.trainer.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class InputLimitTest {
  @Test
  void messagesNameTheLimitAndItsValue() {
    assertEquals(
        "100001 columns in a CSV file exceed the limit csv.max_columns = 100000",
        InputLimit.CSV_COLUMNS.exceeded(100_001));
    assertEquals(
        "more than 100000 columns in a CSV file exceed the limit csv.max_columns = 100000",
        InputLimit.CSV_COLUMNS.exceeded(1_000_000, true));
    assertTrue(InputLimit.CSV_COLUMNS.exceededBy(100_001));
    assertTrue(!InputLimit.CSV_COLUMNS.exceededBy(100_000));
  }

  /** The limits table of trainer/README.md names every limit with its value. */
  @Test
  void theReadmeTableListsEveryLimit() throws Exception {
    Path readme = Path.of("README.md");
    String text = Files.readString(readme);
    for (InputLimit l : InputLimit.values()) {
      Matcher m =
          Pattern.compile("\\| `" + Pattern.quote(l.key()) + "` \\| ([0-9,]+) \\|").matcher(text);
      assertTrue(m.find(), l.key() + " is not in the table of " + readme.toAbsolutePath());
      assertEquals(l.value(), Long.parseLong(m.group(1).replace(",", "")), l.key());
    }
  }
}
