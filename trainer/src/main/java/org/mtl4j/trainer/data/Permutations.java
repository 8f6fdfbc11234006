package org.mtl4j.trainer.data;

import java.util.SplittableRandom;

/** Seeded Fisher-Yates shuffles (Knuth, TAOCP vol. 2, Algorithm P). */
public final class Permutations {
  private Permutations() {}

  /** A permutation of {@code 0..n-1} that depends only on {@code seed}. */
  public static int[] of(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }
}
