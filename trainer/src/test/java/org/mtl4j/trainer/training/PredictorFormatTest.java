package org.mtl4j.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Predictions are written as the shortest decimal that reads back as the same F32 value. */
class PredictorFormatTest {
  @Test
  void shortestRoundTripOfTheFloat() {
    assertEquals("0.1", Predictor.fmt(0.1f));
    assertEquals("253651.12", Predictor.fmt(253651.12f));
    assertEquals("-3", Predictor.fmt(-3f));
    assertEquals("0", Predictor.fmt(0f));
    assertEquals("1E-7", Predictor.fmt(1e-7f));
    assertEquals("1.234568E+12", Predictor.fmt(1.2345679e12f));
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 10_000; i++) {
      float f = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-8, 9)));
      String s = Predictor.fmt(f);
      assertEquals(f, Float.parseFloat(s), s);
      // no shorter decimal reads back as f: one significant digit less changes the value
      int digits = new BigDecimal(s).stripTrailingZeros().precision();
      if (digits > 1) {
        BigDecimal shorter = new BigDecimal(s).round(new MathContext(digits - 1));
        assertNotEquals(f, shorter.floatValue(), s + " vs " + shorter);
      }
    }
  }
}
