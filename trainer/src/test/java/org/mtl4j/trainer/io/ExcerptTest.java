package org.mtl4j.trainer.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
