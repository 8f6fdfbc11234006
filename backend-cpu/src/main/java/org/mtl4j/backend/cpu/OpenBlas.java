package org.mtl4j.backend.cpu;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS (org.bytedeco openblas 0.3.21-1.5.8) called directly through its JavaCPP binding on
 * native buffers: ND4J's own c-order {@code mmuli} path reaches only a fraction of what {@code
 * cblas_sgemm} reaches on the same library.
 *
 * <p>The build pins OpenBLAS 0.3.21 over the 0.3.19 that ND4J 1.0.0-M2.1 ships: 0.3.19 does not
 * know AMD Zen 4 and runs its Zen (AVX2) kernels there, 0.3.21 picks its Cooperlake (AVX-512)
 * kernels, which measured 10-25% faster on the reference model's products and 2x on its head
 * products (benchmarks/README.md). ND4J's own natives load and compute against it unchanged.
 */
final class OpenBlas {
  private static final int ROW_MAJOR = openblas_nolapack.CblasRowMajor;
  private static final int NO_TRANS = openblas_nolapack.CblasNoTrans;
  private static final int TRANS = openblas_nolapack.CblasTrans;

  private OpenBlas() {}

  /**
   * Loads the native libraries (JavaCPP's and OpenBLAS's) and sets OpenBLAS's thread count, a
   * process-wide setting of the library.
   *
   * @return the library's name and version, e.g. "OpenBLAS 0.3.21"
   */
  static String load(int threads) {
    Loader.load(openblas_nolapack.class);
    org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(threads);
    return openblas_nolapack.OPENBLAS_VERSION.trim();
  }

  /** The thread count OpenBLAS reports. */
  static int threads() {
    return org.bytedeco.openblas.presets.openblas_nolapack.blas_get_num_threads();
  }

  /**
   * Row-major {@code c = alpha * op(a) * op(b) + beta * c} with leading dimensions of the storage.
   */
  static void sgemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      FloatPointer a,
      int lda,
      FloatPointer b,
      int ldb,
      float beta,
      FloatPointer c,
      int ldc) {
    openblas_nolapack.cblas_sgemm(
        ROW_MAJOR,
        transA ? TRANS : NO_TRANS,
        transB ? TRANS : NO_TRANS,
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
