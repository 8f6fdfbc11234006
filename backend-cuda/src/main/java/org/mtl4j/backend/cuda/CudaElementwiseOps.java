package org.mtl4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import jcuda.Pointer;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.Broadcast;
import org.mtl4j.api.backend.OpChecks;
import org.mtl4j.api.backend.OpNames;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Tensor;

/**
 * The element-wise and row-indexing ops of {@link CudaBackend}: gemm and the fused axpby/affine
 * updates, binary ops with broadcasting, unary activations and their backward passes, embedding row
 * gather/scatter and dropout masks.
 */
abstract class CudaElementwiseOps extends CudaContext {
  /** The gemm variants' names in CUDA error messages. */
  private static final String[] GEMM = {"gemm NN", "gemm NT", "gemm TN", "gemm TT"};

  CudaElementwiseOps(int deviceIndex) {
    super(deviceIndex);
  }

  // ------------------------------------------------------------------------------ linear algebra

  @Override
  public void gemm(
      boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
    CudaTensor ta = in(a, "gemm", "a");
    CudaTensor tb = in(b, "gemm", "b");
    in(c, "gemm", "c");
    int k = OpChecks.gemm(transA, transB, a, b, c);
    CudaTensor tc = out(c, "gemm", "c");
    int m = c.shape().rows();
    int n = c.shape().cols();
    run(
        GEMM[(transA ? 2 : 0) + (transB ? 1 : 0)],
        () ->
            Sgemm.launch(
                kernels,
                multiprocessors,
                "gemm",
                transA,
                transB,
                m,
                n,
                k,
                alpha,
                ta.address(),
                a.shape().cols(),
                tb.address(),
                b.shape().cols(),
                beta,
                tc.address(),
                n),
        a,
        b,
        c);
  }

  @Override
  public void axpby(float alpha, Tensor x, float beta, Tensor y) {
    CudaTensor tx = in(x, "axpby", "x");
    in(y, "axpby", "y");
    OpChecks.axpby(x, y);
    CudaTensor ty = out(y, "axpby", "y");
    run(
        "axpby",
        () -> launch1("axpby_f32", tx.size(), alpha, tx.address(), beta, ty.address(), tx.size()),
        x,
        y);
  }

  @Override
  public void affine(Tensor x, float scale, float shift, Tensor out) {
    CudaTensor tx = in(x, "affine", "x");
    in(out, "affine", "out");
    OpChecks.affine(x, out);
    CudaTensor to = out(out, "affine", "out");
    run(
        "affine",
        () -> launch1("affine_f32", tx.size(), tx.address(), scale, shift, to.address(), tx.size()),
        x,
        out);
  }

  // ------------------------------------------------------------------------------ element-wise

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    String name = OpNames.binary(op);
    CudaTensor ta = in(a, name, "a");
    CudaTensor tb = in(b, name, "b");
    in(out, name, "out");
    Broadcast mode = OpChecks.binary(op, a, b, out);
    CudaTensor to = out(out, name, "out");
    int rows = a.shape().rows();
    int cols = a.shape().cols();
    run(
        name,
        () ->
            launch1(
                "binary_f32",
                (long) rows * cols,
                op.ordinal(),
                mode.ordinal(),
                ta.address(),
                tb.address(),
                to.address(),
                rows,
                cols),
        a,
        b,
        out);
  }

  @Override
  public void unary(UnaryOp op, Tensor x, Tensor out) {
    String name = OpNames.unary(op);
    CudaTensor tx = in(x, name, "x");
    in(out, name, "out");
    OpChecks.unary(op, x, out);
    CudaTensor to = out(out, name, "out");
    run(
        name,
        () -> launch1("unary_f32", tx.size(), op.ordinal(), tx.address(), to.address(), tx.size()),
        x,
        out);
  }

  @Override
  public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gradOut, Tensor gradIn) {
    String name = OpNames.unaryBackward(op);
    CudaTensor tx = in(x, name, "x");
    CudaTensor ty = in(y, name, "y");
    CudaTensor tg = in(gradOut, name, "gradOut");
    in(gradIn, name, "gradIn");
    OpChecks.unaryBackward(op, x, y, gradOut, gradIn);
    CudaTensor ti = out(gradIn, name, "gradIn");
    run(
        name,
        () ->
            launch1(
                "unary_backward_f32",
                tx.size(),
                op.ordinal(),
                tx.address(),
                ty.address(),
                tg.address(),
                ti.address(),
                tx.size()),
        x,
        y,
        gradOut,
        gradIn);
  }

  // ------------------------------------------------------------------------------ embeddings

  @Override
  public void gatherRows(Tensor table, Tensor indices, Tensor out) {
    String op = "gatherRows";
    CudaTensor tt = in(table, op, "table");
    CudaTensor ti = in(indices, op, "indices");
    in(out, op, "out");
    int n = OpChecks.gatherRows(table, indices, out);
    int d = table.shape().cols();
    run(
        op,
        () -> {
          float[] idx = hostValues(ti);
          OpChecks.rowIndices(op, i -> idx[i], n, table.shape().rows());
          CudaTensor to = out(out, op, "out");
          launch1("gather_rows", (long) n * d, tt.address(), ti.address(), to.address(), n, d);
        },
        table,
        indices,
        out);
  }

  @Override
  public void scatterAddRows(Tensor src, Tensor indices, Tensor table) {
    String op = "scatterAddRows";
    CudaTensor ts = in(src, op, "src");
    CudaTensor ti = in(indices, op, "indices");
    in(table, op, "table");
    int n = OpChecks.scatterAddRows(src, indices, table);
    int d = table.shape().cols();
    run(
        op,
        () -> {
          float[] idx = hostValues(ti);
          int[] rows = OpChecks.rowIndices(op, i -> idx[i], n, table.shape().rows());
          CudaTensor tt = out(table, op, "table");
          if (n == 0 || d == 0) {
            return;
          }
          int[] plan = ScatterPlan.of(rows);
          int targets = ScatterPlan.targets(plan, n);
          DeviceAllocator.Block buf = allocator.acquire(4L * plan.length);
          try {
            cuMemcpyHtoD(buf.pointer(), Pointer.to(plan), 4L * plan.length);
            kernels.launch(
                "scatter_add_rows",
                (d + THREADS - 1) / THREADS,
                Math.min(targets, 65535),
                THREADS,
                1,
                ts.address(),
                tt.address(),
                d,
                buf.address(),
                targets);
          } finally {
            allocator.release(buf);
          }
        },
        src,
        indices,
        table);
  }

  // ------------------------------------------------------------------------------ randomness

  @Override
  public void dropoutMask(long seed, float p, Tensor mask) {
    OpChecks.dropoutMask(p);
    CudaTensor tm = out(mask, "dropoutMask", "mask");
    float keep = (float) (1.0 / (1.0 - p));
    run(
        "dropoutMask",
        () -> launch1("dropout_mask", tm.size(), seed, p, keep, tm.address(), tm.size()),
        mask);
  }
}
