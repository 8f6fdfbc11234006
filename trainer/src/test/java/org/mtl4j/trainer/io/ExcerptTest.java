package org.mtl4j.trainer.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ExcerptTest {
  @Test
  void escapesControlCharactersAndTruncatesLongValues() {
    assertEquals("a\\nb\\tc\\u0000\\u001b[31m", Excerpt.of("a\nb\tc\0\u001b[31m"));
    String big = "x".repeat(100_000_000);
    String e = Excerpt.of(big);
    assertEquals("x".repeat(Excerpt.MAX_CHARS) + "... (100000000 characters)", e);
    assertEquals("'ok'", Excerpt.quoted("ok"));
  }

  @Test
  void aMessageIsCutPerLineAndInLines() {
    String m = Excerpt.message("a: " + "y".repeat(10_000) + "\nnext\u0007");
    assertTrue(m.contains("... (9363 more characters)"), m);
    assertTrue(m.endsWith("\nnext\\u0007"), m);
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
