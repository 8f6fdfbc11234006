package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A short epoch is shown as measured, never as {@code 0.0}. */
class SecondsFormatTest {
  @Test
  void threeSignificantDigitsAndWholeSecondsFrom100() {
    assertEquals("0.0123", Cli.seconds(0.012345));
    assertEquals("0.000420", Cli.seconds(0.00042));
    assertEquals("1.50", Cli.seconds(1.5));
    assertEquals("15.2", Cli.seconds(15.21));
    assertEquals("123", Cli.seconds(123.4));
    assertEquals("?", Cli.seconds(Double.NaN));
  }
}
