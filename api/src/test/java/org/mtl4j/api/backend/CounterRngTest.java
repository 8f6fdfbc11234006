package org.mtl4j.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The counter-based generator every backend's dropout reproduces. */
class CounterRngTest {

  @Test
  void isTheSplitMix64Stream() {
    // SplitMix64 seeded with 0 starts with this value (Steele, Lea and Flood 2014; Vigna's
    // reference implementation)
    assertEquals(0xE220A8397B1DCDAFL, CounterRng.bits(0L, 0L));
    // Java's SplittableRandom is SplitMix64 too: element i is its (i + 1)-th long
    for (long seed : new long[] {0L, 42L, -7L, Long.MAX_VALUE}) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < 1000; i++) {
        assertEquals(r.nextLong(), CounterRng.bits(seed, i), "seed " + seed + " index " + i);
      }
    }
  }

  @Test
  void isAPureFunctionOfSeedAndIndex() {
    for (long i = 0; i < 100; i++) {
      assertEquals(CounterRng.bits(9L, i), CounterRng.bits(9L, i));
      assertEquals(CounterRng.uniform(9L, i), CounterRng.uniform(9L, i));
    }
    assertNotEquals(CounterRng.bits(1L, 0L), CounterRng.bits(2L, 0L));
    assertNotEquals(CounterRng.bits(1L, 0L), CounterRng.bits(1L, 1L));
    assertNotEquals(CounterRng.derive(1L, 0L), CounterRng.derive(1L, 1L));
    assertNotEquals(CounterRng.derive(1L, 0L), CounterRng.derive(2L, 0L));
    assertNotEquals(CounterRng.derive(5L, 3L), CounterRng.bits(5L, 3L));
  }

  @Test
  void uniformIsUniformOnTheUnitInterval() {
    int n = 200_000;
    int bins = 20;
    long[] counts = new long[bins];
    double sum = 0;
    float min = 1f;
    float max = 0f;
    for (int i = 0; i < n; i++) {
      float u = CounterRng.uniform(123L, i);
      assertTrue(u >= 0f && u < 1f, "uniform out of [0, 1): " + u);
      counts[(int) (u * bins)]++;
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    assertEquals(0.5, sum / n, 0.005, "mean");
    assertTrue(min < 1e-4 && max > 1 - 1e-4, "range covered: " + min + " .. " + max);
    double expected = (double) n / bins;
    double chi2 = 0;
    for (long c : counts) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    // 19 degrees of freedom: P(chi2 > 43.8) = 0.001
    assertTrue(chi2 < 43.8, "chi-square " + chi2);
    // neighbouring indices are not correlated
    double cov = 0;
    for (int i = 0; i < n - 1; i++) {
      cov += (CounterRng.uniform(123L, i) - 0.5) * (CounterRng.uniform(123L, i + 1) - 0.5);
    }
    assertEquals(0.0, cov / n / (1.0 / 12), 0.02, "lag-1 correlation");
  }

  @Test
  void uniformUsesTheTop24Bits() {
    long bits = CounterRng.bits(77L, 5L);
    assertEquals((bits >>> 40) / 16777216.0f, CounterRng.uniform(77L, 5L));
  }
}
