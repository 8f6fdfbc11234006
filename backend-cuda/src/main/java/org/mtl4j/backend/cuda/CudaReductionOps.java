package org.mtl4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;

import jcuda.Pointer;
import org.mtl4j.api.backend.OpChecks;
import org.mtl4j.api.tensor.Tensor;

/**
 * The reductions of {@link CudaBackend}, all deterministic (fixed partial-sum trees): dot products
 * and sums of squares to the host, row, column and full sums, row argmax and (log-)softmax.
 */
abstract class CudaReductionOps extends CudaElementwiseOps {
  CudaReductionOps(int deviceIndex) {
    super(deviceIndex);
  }

  // ------------------------------------------------------------------------------ reductions

  @Override
  public double dot(Tensor a, Tensor b) {
    CudaTensor ta = in(a, "dot", "a");
    CudaTensor tb = in(b, "dot", "b");
    OpChecks.dot(a, b);
    return call("dot", () -> reduceToHost(1, ta, tb), a, b);
  }

  @Override
  public double sumSquares(Tensor x) {
    CudaTensor tx = in(x, "sumSquares", "x");
    return call("sumSquares", () -> reduceToHost(2, tx, tx), x);
  }

  /** Two-pass deterministic reduction; see reductions.cu. */
  double reduceToHost(int kind, CudaTensor a, CudaTensor b) {
    int n = a.size();
    if (n == 0) {
      return 0.0;
    }
    int blocks = partials(n, THREADS * 4);
    DeviceAllocator.Block scratch = allocator.acquire(8L * (blocks + 1));
    try {
      long partial = scratch.address();
      long result = partial + 8L * blocks;
      kernels.launch(
          "reduce_partials", blocks, 1, THREADS, 1, kind, a.address(), b.address(), n, partial);
      kernels.launch("reduce_finish", 1, 1, THREADS, 1, partial, blocks, result, 0L);
      double[] host = new double[1];
      cuMemcpyDtoH(Pointer.to(host), scratch.pointer().withByteOffset(8L * blocks), 8);
      return host[0];
    } finally {
      allocator.release(scratch);
    }
  }

  @Override
  public void sumRows(Tensor x, Tensor out) {
    CudaTensor tx = in(x, "sumRows", "x");
    in(out, "sumRows", "out");
    OpChecks.sumRows(x, out);
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    CudaTensor to = out(out, "sumRows", "out");
    if (cols == 0) {
      return;
    }
    int chunkRows = Math.max(128, (rows + 255) / 256);
    int chunks = Math.max(1, (rows + chunkRows - 1) / chunkRows);
    run(
        "sumRows",
        () -> {
          DeviceAllocator.Block partial = allocator.acquire(8L * chunks * cols);
          try {
            kernels.launch(
                "sum_rows_partial",
                (cols + 31) / 32,
                chunks,
                32,
                8,
                tx.address(),
                rows,
                cols,
                chunkRows,
                partial.address());
            kernels.launch(
                "sum_rows_finish",
                (cols + THREADS - 1) / THREADS,
                1,
                THREADS,
                1,
                partial.address(),
                chunks,
                cols,
                to.address());
          } finally {
            allocator.release(partial);
          }
        },
        x,
        out);
  }

  @Override
  public void sumCols(Tensor x, Tensor out) {
    CudaTensor tx = in(x, "sumCols", "x");
    in(out, "sumCols", "out");
    OpChecks.sumCols(x, out);
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    CudaTensor to = out(out, "sumCols", "out");
    if (tx == to) {
      // [rows, 1] summed into itself is the identity
      return;
    }
    run(
        "sumCols",
        () -> launchRows("sum_cols", rows, tx.address(), rows, cols, to.address()),
        x,
        out);
  }

  @Override
  public void sumAll(Tensor x, Tensor out) {
    CudaTensor tx = in(x, "sumAll", "x");
    in(out, "sumAll", "out");
    OpChecks.sumAll(x, out);
    CudaTensor to = out(out, "sumAll", "out");
    int n = tx.size();
    run(
        "sumAll",
        () -> {
          int blocks = partials(n, THREADS * 4);
          DeviceAllocator.Block partial = allocator.acquire(8L * blocks);
          try {
            kernels.launch(
                "reduce_partials",
                blocks,
                1,
                THREADS,
                1,
                0,
                tx.address(),
                0L,
                n,
                partial.address());
            kernels.launch(
                "reduce_finish", 1, 1, THREADS, 1, partial.address(), blocks, 0L, to.address());
          } finally {
            allocator.release(partial);
          }
        },
        x,
        out);
  }

  @Override
  public void argmaxRows(Tensor x, Tensor out) {
    CudaTensor tx = in(x, "argmaxRows", "x");
    in(out, "argmaxRows", "out");
    OpChecks.argmaxRows(x, out);
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    CudaTensor to = out(out, "argmaxRows", "out");
    if (tx == to) {
      run("argmaxRows", () -> launch1("fill_f32", rows, to.address(), rows, 0f), x, out);
      return;
    }
    run(
        "argmaxRows",
        () -> launchRows("argmax_rows", rows, tx.address(), rows, cols, to.address()),
        x,
        out);
  }

  @Override
  public void softmaxRows(Tensor x, Tensor out) {
    softmax("softmaxRows", x, out, 0);
  }

  @Override
  public void logSoftmaxRows(Tensor x, Tensor out) {
    softmax("logSoftmaxRows", x, out, 1);
  }

  void softmax(String op, Tensor x, Tensor out, int log) {
    CudaTensor tx = in(x, op, "x");
    in(out, op, "out");
    if (log == 1) {
      OpChecks.logSoftmaxRows(x, out);
    } else {
      OpChecks.softmaxRows(x, out);
    }
    CudaTensor to = out(out, op, "out");
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    run(
        op,
        () -> launchRows("softmax_rows", rows, tx.address(), to.address(), rows, cols, log),
        x,
        out);
  }
}
