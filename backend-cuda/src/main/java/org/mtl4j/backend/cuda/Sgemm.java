package org.mtl4j.backend.cuda;

import org.mtl4j.api.backend.ShapeChecks;

/**
 * Launches one of gemm.cu's sgemm kernels on device addresses, {@code C[m, n] = alpha * op(A) *
 * op(B) + beta * C} for row-major matrices with leading dimensions {@code lda, ldb, ldc}. The 128 x
 * 128 tile variant is chosen when its tiles alone fill every multiprocessor, the 64 x 64 one
 * otherwise (as {@link CudaBackend#gemm} does).
 */
final class Sgemm {
  private static final int THREADS = 256;
  private static final int MAX_GRID_Y = 65535;

  /** gemm.cu's kernels by tile (64, 128) and transposition of A and B, named once. */
  private static final String[] KERNELS = {
    "sgemm64_nn", "sgemm64_nt", "sgemm64_tn", "sgemm64_tt",
    "sgemm128_nn", "sgemm128_nt", "sgemm128_tn", "sgemm128_tt"
  };

  private Sgemm() {}

  static void launch(
      Kernels kernels,
      int multiprocessors,
      String op,
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      long a,
      int lda,
      long b,
      int ldb,
      float beta,
      long c,
      int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    long bigTiles = (long) ((m + 127) / 128) * ((n + 127) / 128);
    int tile = bigTiles >= multiprocessors ? 128 : 64;
    if ((m + tile - 1) / tile > MAX_GRID_Y) {
      throw ShapeChecks.error(
          op,
          "m = " + m + " rows exceed the grid limit of " + (long) MAX_GRID_Y * tile + " for sgemm");
    }
    kernels.launch(
        KERNELS[(tile == 128 ? 4 : 0) + (transA ? 2 : 0) + (transB ? 1 : 0)],
        (n + tile - 1) / tile,
        (m + tile - 1) / tile,
        THREADS,
        1,
        m,
        n,
        k,
        alpha,
        a,
        lda,
        b,
        ldb,
        beta,
        c,
        ldc);
  }
}
