package org.mtl4j.backend.cpu;

import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.Broadcast;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.ImageShapeChecks.ConvGeometry;
import org.mtl4j.api.backend.ImageShapeChecks.PoolGeometry;
import org.mtl4j.api.backend.MemoryStats;
import org.mtl4j.api.backend.OpChecks;
import org.mtl4j.api.backend.OpNames;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.TensorTracker;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * The CPU {@link ComputeBackend}: tensors in pooled native memory (JavaCPP pointers, the memory
 * layer of ND4J's native stack), matrix products by {@code cblas_sgemm} of the OpenBLAS that ND4J
 * ships, called directly in row-major layout, and every other primitive as a fused loop over the
 * native memory. ND4J's own op executioner and OpenMP pool are not started, so OpenBLAS's threads
 * are the only compute threads.
 */
public final class CpuBackend implements ComputeBackend {
  static final String NAME = "cpu";

  private final TensorTracker tracker = new TensorTracker(NAME);
  private final BufferPool pool = new BufferPool();
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
  private final String description;
  private final int threads;

  /** Floats per chunk of a shared kernel: 128 KiB of each operand. */
  static final int WORK_CHUNK = 16 * Scratch.CHUNK;

  /** Element count from which an element-wise kernel is shared with the helpers. */
  static final int SHARED_MIN = 2 * WORK_CHUNK;

  private WorkShare work;

  CpuBackend(int threads) {
    String blas = OpenBlas.load(threads);
    this.threads = threads;
    this.description = "CPU (" + threads + " threads, " + blas + " via ND4J's JavaCPP stack)";
  }

  /** The OpenBLAS thread count this backend set. */
  public int threads() {
    return threads;
  }

  private CpuTensor t(Tensor x, String op, String role) {
    return tracker.check(x, CpuTensor.class, op, role);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String deviceDescription() {
    return description;
  }

  // ---------------------------------------------------------------- memory

  @Override
  public Tensor allocate(Shape shape) {
    return allocate(shape, false);
  }

  @Override
  public Tensor allocatePersistent(Shape shape) {
    return allocate(shape, true);
  }

  private Tensor allocate(Shape shape, boolean persistent) {
    if (shape == null) {
      throw new IllegalArgumentException("allocate: shape is null");
    }
    NativeBlock block = pool.acquire(shape.size());
    try {
      CpuTensor t = new CpuTensor(shape, tracker, block, pool);
      return persistent ? tracker.adoptPersistent(t) : tracker.adopt(t);
    } catch (RuntimeException e) {
      pool.release(block);
      throw e;
    }
  }

  @Override
  public TensorScope openScope() {
    return tracker.openScope();
  }

  @Override
  public void upload(float[] src, Tensor dst) {
    CpuTensor d = t(dst, "upload", "dst");
    OpChecks.upload(src, dst);
    d.buf().put(0, src, 0, src.length);
  }

  /** Gathers straight into native memory, rows shared with the helpers for a large batch. */
  @Override
  public void uploadRows(float[] src, int[] rows, Tensor dst) {
    CpuTensor d = t(dst, "uploadRows", "dst");
    OpChecks.uploadRows(src, rows, dst);
    int n = dst.shape().rows();
    int cols = dst.shape().cols();
    FloatBuffer db = d.buf();
    int per = Math.max(1, WORK_CHUNK / Math.max(1, cols));
    WorkShare.Chunk gather =
        (c, s) -> {
          for (int i = c * per, end = Math.min(n, (c + 1) * per); i < end; i++) {
            db.put(i * cols, src, rows[i] * cols, cols);
          }
        };
    if (n * cols < SHARED_MIN || threads < 2) {
      for (int c = 0; c * per < n; c++) {
        gather.run(c, null);
      }
    } else {
      work().forEach((n + per - 1) / per, gather, scratch.get());
    }
  }

  @Override
  public void download(Tensor src, float[] dst) {
    CpuTensor s = t(src, "download", "src");
    OpChecks.download(src, dst);
    s.buf().get(0, dst, 0, s.size());
  }

  @Override
  public void fill(Tensor x, float value) {
    CpuTensor tx = t(x, "fill", "t");
    FloatBuffer xb = tx.buf();
    int n = tx.size();
    if (serial(n)) {
      ElementwiseKernels.fill(xb, value, 0, n, scratch.get());
    } else {
      shared(n, (from, to, s) -> ElementwiseKernels.fill(xb, value, from, to, s));
    }
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    CpuTensor s = t(src, "copy", "src");
    CpuTensor d = t(dst, "copy", "dst");
    OpChecks.copy(src, dst);
    if (s != d) {
      d.buf().put(0, s.buf(), 0, s.size());
    }
  }

  @Override
  public void copyColumns(Tensor src, int srcCol, Tensor dst, int dstCol, int count) {
    CpuTensor s = t(src, "copyColumns", "src");
    CpuTensor d = t(dst, "copyColumns", "dst");
    OpChecks.copyColumns(src, srcCol, dst, dstCol, count);
    int rows = src.shape().rows();
    int sc = src.shape().cols();
    int dc = dst.shape().cols();
    FloatBuffer sb = s.buf();
    FloatBuffer db = d.buf();
    for (int i = 0; i < rows; i++) {
      db.put(i * dc + dstCol, sb, i * sc + srcCol, count);
    }
  }

  @Override
  public MemoryStats memoryStats() {
    return new MemoryStats(
        pool.systemAllocations(), pool.bytesReserved(), pool.bytesInUse(), tracker.liveTensors());
  }

  @Override
  public void close() {
    if (work != null) {
      work.close();
    }
    tracker.closeAll();
    pool.close();
  }

  /** The helper threads of the memory-bound kernels, started on first use: threads - 1 of them. */
  private WorkShare work() {
    if (work == null) {
      work = new WorkShare(Math.max(0, threads - 1));
    }
    return work;
  }

  /**
   * Whether {@code n} elements run on this thread alone (callers test it before building the lambda
   * for {@link #shared}, so the small ops of a step allocate nothing).
   */
  private boolean serial(int n) {
    return n < SHARED_MIN || threads < 2;
  }

  /** An element-wise kernel over elements {@code [from, to)}, staging through {@code s}. */
  @FunctionalInterface
  private interface RangeKernel {
    void run(int from, int to, Scratch s);
  }

  /**
   * Runs {@code k} over {@code [0, n)}: on this thread below {@link #SHARED_MIN} elements (where
   * waking a helper costs about what it saves), else in {@link #WORK_CHUNK} pieces shared with the
   * helpers.
   */
  private void shared(int n, RangeKernel k) {
    if (serial(n)) {
      k.run(0, n, scratch.get());
      return;
    }
    work()
        .forEach(
            (n + WORK_CHUNK - 1) / WORK_CHUNK,
            (c, s) -> k.run(c * WORK_CHUNK, Math.min(n, (c + 1) * WORK_CHUNK), s),
            scratch.get());
  }

  // ---------------------------------------------------------------- linear algebra

  @Override
  public void gemm(
      boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
    CpuTensor ta = t(a, "gemm", "a");
    CpuTensor tb = t(b, "gemm", "b");
    CpuTensor tc = t(c, "gemm", "c");
    int k = OpChecks.gemm(transA, transB, a, b, c);
    int m = c.shape().rows();
    int n = c.shape().cols();
    // OpenBLAS writes zeros (not beta * c) when beta == 0, so NaN in the old c does not survive.
    OpenBlas.sgemm(
        transA,
        transB,
        m,
        n,
        k,
        alpha,
        ta.ptr(),
        a.shape().cols(),
        tb.ptr(),
        b.shape().cols(),
        beta,
        tc.ptr(),
        n);
  }

  @Override
  public void axpby(float alpha, Tensor x, float beta, Tensor y) {
    CpuTensor tx = t(x, "axpby", "x");
    CpuTensor ty = t(y, "axpby", "y");
    OpChecks.axpby(x, y);
    FloatBuffer xb = tx.buf();
    FloatBuffer yb = ty.buf();
    int n = tx.size();
    if (serial(n)) {
      ElementwiseKernels.axpby(alpha, xb, beta, yb, 0, n, scratch.get());
    } else {
      shared(n, (from, to, s) -> ElementwiseKernels.axpby(alpha, xb, beta, yb, from, to, s));
    }
  }

  @Override
  public void affine(Tensor x, float scale, float shift, Tensor out) {
    CpuTensor tx = t(x, "affine", "x");
    CpuTensor to = t(out, "affine", "out");
    OpChecks.affine(x, out);
    ElementwiseKernels.affine(tx.buf(), scale, shift, to.buf(), tx.size(), scratch.get());
  }

  @Override
  public double dot(Tensor a, Tensor b) {
    CpuTensor ta = t(a, "dot", "a");
    CpuTensor tb = t(b, "dot", "b");
    OpChecks.dot(a, b);
    return ReductionKernels.dot(ta.buf(), tb.buf(), ta.size(), scratch.get());
  }

  @Override
  public double sumSquares(Tensor x) {
    CpuTensor tx = t(x, "sumSquares", "x");
    return ReductionKernels.sumSquares(tx.buf(), tx.size(), scratch.get());
  }

  // ---------------------------------------------------------------- element-wise

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    String name = OpNames.binary(op);
    CpuTensor ta = t(a, name, "a");
    CpuTensor tb = t(b, name, "b");
    CpuTensor to = t(out, name, "out");
    Broadcast mode = OpChecks.binary(op, a, b, out);
    int rows = a.shape().rows();
    int cols = a.shape().cols();
    FloatBuffer ab = ta.buf();
    FloatBuffer bb = tb.buf();
    FloatBuffer ob = to.buf();
    Scratch s = scratch.get();
    switch (mode) {
      case SAME -> {
        int n = rows * cols;
        if (serial(n)) {
          ElementwiseKernels.same(op, ab, bb, ob, 0, n, s);
        } else {
          shared(n, (from, end, sc) -> ElementwiseKernels.same(op, ab, bb, ob, from, end, sc));
        }
      }
      case SCALAR -> ElementwiseKernels.scalar(op, ab, bb.get(0), ob, rows * cols, s);
      case ROW -> {
        int per = Math.max(1, WORK_CHUNK / cols);
        if (rows < 2 * per || threads < 2) {
          ElementwiseKernels.row(op, ab, bb, ob, 0, rows, cols, s);
        } else {
          work()
              .forEach(
                  (rows + per - 1) / per,
                  (c, sc) ->
                      ElementwiseKernels.row(
                          op, ab, bb, ob, c * per, Math.min(rows, (c + 1) * per), cols, sc),
                  s);
        }
      }
      case COLUMN -> ElementwiseKernels.column(op, ab, bb, ob, rows, cols, s);
    }
  }

  @Override
  public void unary(UnaryOp op, Tensor x, Tensor out) {
    String name = OpNames.unary(op);
    CpuTensor tx = t(x, name, "x");
    CpuTensor to = t(out, name, "out");
    OpChecks.unary(op, x, out);
    FloatBuffer xb = tx.buf();
    FloatBuffer ob = to.buf();
    int n = tx.size();
    if (serial(n)) {
      ElementwiseKernels.unary(op, xb, ob, 0, n, scratch.get());
    } else {
      shared(n, (from, end, s) -> ElementwiseKernels.unary(op, xb, ob, from, end, s));
    }
  }

  @Override
  public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gradOut, Tensor gradIn) {
    String name = OpNames.unaryBackward(op);
    CpuTensor tx = t(x, name, "x");
    CpuTensor ty = t(y, name, "y");
    CpuTensor tg = t(gradOut, name, "gradOut");
    CpuTensor ti = t(gradIn, name, "gradIn");
    OpChecks.unaryBackward(op, x, y, gradOut, gradIn);
    if (op == UnaryOp.RELU) {
      IntBuffer xb = tx.bits();
      IntBuffer gb = tg.bits();
      IntBuffer ib = ti.bits();
      int n = tx.size();
      if (serial(n)) {
        ElementwiseKernels.reluBackward(xb, gb, ib, 0, n, scratch.get());
      } else {
        shared(n, (from, to, s) -> ElementwiseKernels.reluBackward(xb, gb, ib, from, to, s));
      }
      return;
    }
    FloatBuffer xb = tx.buf();
    FloatBuffer yb = ty.buf();
    FloatBuffer gb = tg.buf();
    FloatBuffer ib = ti.buf();
    int n = tx.size();
    if (serial(n)) {
      ElementwiseKernels.unaryBackward(op, xb, yb, gb, ib, 0, n, scratch.get());
    } else {
      shared(n, (from, to, s) -> ElementwiseKernels.unaryBackward(op, xb, yb, gb, ib, from, to, s));
    }
  }

  // ---------------------------------------------------------------- reductions

  @Override
  public void sumRows(Tensor x, Tensor out) {
    CpuTensor tx = t(x, "sumRows", "x");
    CpuTensor to = t(out, "sumRows", "out");
    OpChecks.sumRows(x, out);
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    ReductionKernels.sumRows(tx.buf(), rows, cols, to.buf(), scratch.get());
  }

  @Override
  public void sumCols(Tensor x, Tensor out) {
    CpuTensor tx = t(x, "sumCols", "x");
    CpuTensor to = t(out, "sumCols", "out");
    OpChecks.sumCols(x, out);
    int rows = x.shape().rows();
    ReductionKernels.sumCols(tx.buf(), rows, x.shape().cols(), to.buf(), scratch.get());
  }

  @Override
  public void sumAll(Tensor x, Tensor out) {
    CpuTensor tx = t(x, "sumAll", "x");
    CpuTensor to = t(out, "sumAll", "out");
    OpChecks.sumAll(x, out);
    to.buf().put(0, (float) ReductionKernels.sum(tx.buf(), tx.size(), scratch.get()));
  }

  @Override
  public void argmaxRows(Tensor x, Tensor out) {
    CpuTensor tx = t(x, "argmaxRows", "x");
    CpuTensor to = t(out, "argmaxRows", "out");
    OpChecks.argmaxRows(x, out);
    int rows = x.shape().rows();
    ReductionKernels.argmaxRows(tx.buf(), rows, x.shape().cols(), to.buf());
  }

  @Override
  public void softmaxRows(Tensor x, Tensor out) {
    softmax(x, out, false);
  }

  @Override
  public void logSoftmaxRows(Tensor x, Tensor out) {
    softmax(x, out, true);
  }

  private void softmax(Tensor x, Tensor out, boolean log) {
    String op = log ? "logSoftmaxRows" : "softmaxRows";
    CpuTensor tx = t(x, op, "x");
    CpuTensor to = t(out, op, "out");
    if (log) {
      OpChecks.logSoftmaxRows(x, out);
    } else {
      OpChecks.softmaxRows(x, out);
    }
    ReductionKernels.softmaxRows(
        tx.buf(), x.shape().rows(), x.shape().cols(), log, to.buf(), scratch.get());
  }

  // ---------------------------------------------------------------- fused losses

  @Override
  public void softmaxCrossEntropy(
      Tensor logits, Tensor labels, Tensor mask, Tensor loss, Tensor gradLogits) {
    String op = "softmaxCrossEntropy";
    CpuTensor tz = t(logits, op, "logits");
    CpuTensor ty = t(labels, op, "labels");
    CpuTensor tm = mask == null ? null : t(mask, op, "mask");
    CpuTensor tl = t(loss, op, "loss");
    CpuTensor tg = gradLogits == null ? null : t(gradLogits, op, "gradLogits");
    OpChecks.softmaxCrossEntropy(logits, labels, mask, loss, gradLogits);
    int n = logits.shape().rows();
    int k = logits.shape().cols();
    double value =
        LossKernels.softmaxCrossEntropy(
            tz.buf(),
            ty.buf(),
            tm == null ? null : tm.buf(),
            n,
            k,
            tg == null ? null : tg.buf(),
            scratch.get());
    tl.buf().put(0, (float) value);
  }

  @Override
  public void bceWithLogits(
      Tensor logits, Tensor targets, Tensor mask, Tensor loss, Tensor gradLogits) {
    elementLoss(true, logits, targets, mask, loss, gradLogits);
  }

  @Override
  public void mse(
      Tensor predictions, Tensor targets, Tensor mask, Tensor loss, Tensor gradPredictions) {
    elementLoss(false, predictions, targets, mask, loss, gradPredictions);
  }

  /** Binary cross-entropy with logits ({@code bce}) or mean squared error. */
  private void elementLoss(
      boolean bce, Tensor x, Tensor targets, Tensor mask, Tensor loss, Tensor grad) {
    String op = bce ? "bceWithLogits" : "mse";
    CpuTensor tz = t(x, op, bce ? "logits" : "predictions");
    CpuTensor tt = t(targets, op, "targets");
    CpuTensor tm = mask == null ? null : t(mask, op, "mask");
    CpuTensor tl = t(loss, op, "loss");
    CpuTensor tg = grad == null ? null : t(grad, op, bce ? "gradLogits" : "gradPredictions");
    if (bce) {
      OpChecks.bceWithLogits(x, targets, mask, loss, grad);
    } else {
      OpChecks.mse(x, targets, mask, loss, grad);
    }
    boolean perRow = mask != null && !mask.shape().sameMatrix(x.shape());
    double value =
        LossKernels.elementLoss(
            bce,
            tz.buf(),
            tt.buf(),
            tm == null ? null : tm.buf(),
            perRow,
            x.shape().rows(),
            x.shape().cols(),
            tg == null ? null : tg.buf());
    tl.buf().put(0, (float) value);
  }

  // ---------------------------------------------------------------- embeddings

  @Override
  public void gatherRows(Tensor table, Tensor indices, Tensor out) {
    String op = "gatherRows";
    CpuTensor tt = t(table, op, "table");
    CpuTensor ti = t(indices, op, "indices");
    CpuTensor to = t(out, op, "out");
    int n = OpChecks.gatherRows(table, indices, out);
    int d = table.shape().cols();
    FloatBuffer ib = ti.buf();
    int[] rows = OpChecks.rowIndices(op, ib::get, n, table.shape().rows());
    FloatBuffer tb = tt.buf();
    FloatBuffer ob = to.buf();
    for (int i = 0; i < n; i++) {
      ob.put(i * d, tb, rows[i] * d, d);
    }
  }

  @Override
  public void scatterAddRows(Tensor src, Tensor indices, Tensor table) {
    String op = "scatterAddRows";
    CpuTensor ts = t(src, op, "src");
    CpuTensor ti = t(indices, op, "indices");
    CpuTensor tt = t(table, op, "table");
    int n = OpChecks.scatterAddRows(src, indices, table);
    int d = table.shape().cols();
    FloatBuffer ib = ti.buf();
    int[] rows = OpChecks.rowIndices(op, ib::get, n, table.shape().rows());
    FloatBuffer sb = ts.buf();
    FloatBuffer tb = tt.buf();
    for (int i = 0; i < n; i++) {
      int row = rows[i] * d;
      int s = i * d;
      for (int j = 0; j < d; j++) {
        tb.put(row + j, tb.get(row + j) + sb.get(s + j));
      }
    }
  }

  // ---------------------------------------------------------------- randomness

  @Override
  public void dropoutMask(long seed, float p, Tensor mask) {
    OpChecks.dropoutMask(p);
    CpuTensor tm = t(mask, "dropoutMask", "mask");
    ElementwiseKernels.dropoutMask(seed, p, tm.buf(), tm.size(), scratch.get());
  }

  // ---------------------------------------------------------------- optimisers

  @Override
  public void sgdStep(
      Tensor param,
      Tensor grad,
      Tensor velocity,
      float lr,
      float momentum,
      float weightDecay,
      boolean nesterov) {
    String op = "sgdStep";
    CpuTensor tp = t(param, op, "param");
    CpuTensor tg = t(grad, op, "grad");
    CpuTensor tv = momentum != 0f ? t(velocity, op, "velocity") : null;
    OpChecks.sgdStep(param, grad, velocity, momentum);
    OptimizerKernels.sgd(
        tp.buf(),
        tg.buf(),
        tv == null ? null : tv.buf(),
        tp.size(),
        lr,
        momentum,
        weightDecay,
        nesterov,
        scratch.get());
  }

  @Override
  public void adamStep(
      Tensor param,
      Tensor grad,
      Tensor m,
      Tensor v,
      float lr,
      float beta1,
      float beta2,
      float eps,
      float weightDecay,
      boolean decoupled,
      int step) {
    String op = "adamStep";
    t(param, op, "param");
    t(grad, op, "grad");
    t(m, op, "m");
    t(v, op, "v");
    OpChecks.adamStep(param, grad, m, v, step);
    adamStepAll(
        List.of(param),
        List.of(grad),
        List.of(m),
        List.of(v),
        new float[] {lr},
        beta1,
        beta2,
        eps,
        weightDecay,
        decoupled,
        step);
  }

  /**
   * Adam over all parameters in one pass shared with the helper threads ({@link WorkShare}): the
   * update is memory-bound, and between two matrix products the second core is otherwise left to
   * OpenBLAS's spinning worker.
   */
  @Override
  public void adamStepAll(
      List<Tensor> params,
      List<Tensor> grads,
      List<Tensor> ms,
      List<Tensor> vs,
      float[] lrs,
      float beta1,
      float beta2,
      float eps,
      float weightDecay,
      boolean decoupled,
      int step) {
    String op = "adamStepAll";
    OpChecks.adamStepAll(params, grads, ms, vs, lrs, step);
    int count = params.size();
    CpuTensor[] p = new CpuTensor[count];
    CpuTensor[] g = new CpuTensor[count];
    CpuTensor[] m = new CpuTensor[count];
    CpuTensor[] v = new CpuTensor[count];
    int[] firstChunk = new int[count + 1];
    for (int i = 0; i < count; i++) {
      p[i] = t(params.get(i), op, "param");
      g[i] = t(grads.get(i), op, "grad");
      m[i] = t(ms.get(i), op, "m");
      v[i] = t(vs.get(i), op, "v");
      firstChunk[i + 1] = firstChunk[i] + (p[i].size() + WORK_CHUNK - 1) / WORK_CHUNK;
    }
    work()
        .forEach(
            firstChunk[count],
            (chunk, s) -> {
              int i = 0;
              while (firstChunk[i + 1] <= chunk) {
                i++;
              }
              int from = (chunk - firstChunk[i]) * WORK_CHUNK;
              int to = Math.min(p[i].size(), from + WORK_CHUNK);
              OptimizerKernels.adam(
                  p[i].buf(),
                  g[i].buf(),
                  m[i].buf(),
                  v[i].buf(),
                  from,
                  to,
                  lrs[i],
                  beta1,
                  beta2,
                  eps,
                  weightDecay,
                  decoupled,
                  step,
                  s);
            },
            scratch.get());
  }

  // ---------------------------------------------------------------- images (NCHW)
  //
  // Convolution as im2col + cblas_sgemm (ConvKernels), pooling (PoolingKernels) and batch norm
  // (BatchNormKernels) as staged Java loops shared with the helper threads.

  /** Runs image-kernel chunks on the helpers too when there are several chunks and threads. */
  private final ConvKernels.Parallel imageWork = this::forEachImageChunk;

  private void forEachImageChunk(int count, WorkShare.Chunk chunk) {
    if (count < 2 || threads < 2) {
      Scratch s = scratch.get();
      for (int i = 0; i < count; i++) {
        chunk.run(i, s);
      }
    } else {
      work().forEach(count, chunk, scratch.get());
    }
  }

  private CpuTensor optional(Tensor x, String op, String role) {
    return x == null ? null : t(x, op, role);
  }

  private static FloatBuffer buf(CpuTensor t) {
    return t == null ? null : t.buf();
  }

  @Override
  public void reshape(Tensor src, Tensor dst) {
    CpuTensor s = t(src, "reshape", "src");
    CpuTensor d = t(dst, "reshape", "dst");
    OpChecks.reshape(src, dst);
    if (s != d) {
      d.buf().put(0, s.buf(), 0, s.size());
    }
  }

  @Override
  public void conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
    String op = "conv2d";
    CpuTensor tx = t(x, op, "x");
    CpuTensor tw = t(weight, op, "weight");
    CpuTensor tb = optional(bias, op, "bias");
    CpuTensor to = t(out, op, "out");
    ConvGeometry g = OpChecks.conv2d(x, weight, bias, params, out);
    int ckk = g.patchSize();
    int plane = g.outputPlane();
    int batch = ConvKernels.imagesPerCall(g);
    if (batch > 1) {
      conv2dBatched(tx, tw, to, g, batch);
      if (tb != null) {
        ConvKernels.addBias(to.buf(), tb.buf(), g, imageWork);
      }
      return;
    }
    NativeBlock col = ConvKernels.direct(g) ? null : pool.acquire(ckk * plane);
    try {
      FloatView in = new FloatView();
      FloatView dst = new FloatView();
      for (int n = 0; n < g.n(); n++) {
        FloatPointer b = patches(tx, n, g, col, in);
        OpenBlas.sgemm(
            false,
            false,
            g.k(),
            plane,
            ckk,
            1f,
            tw.ptr(),
            ckk,
            b,
            plane,
            0f,
            dst.at(to.ptr(), (long) n * g.k() * plane),
            plane);
      }
    } finally {
      if (col != null) {
        pool.release(col);
      }
    }
    if (tb != null) {
      ConvKernels.addBias(to.buf(), tb.buf(), g, imageWork);
    }
  }

  @Override
  public void conv2dBackwardInput(
      Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradIn) {
    String op = "conv2dBackwardInput";
    CpuTensor tg = t(gradOut, op, "gradOut");
    CpuTensor tw = t(weight, op, "weight");
    CpuTensor ti = t(gradIn, op, "gradIn");
    ConvGeometry g = OpChecks.conv2dBackwardInput(gradOut, weight, params, gradIn);
    int ckk = g.patchSize();
    int plane = g.outputPlane();
    int batch = ConvKernels.imagesPerCall(g);
    if (batch > 1) {
      conv2dBackwardInputBatched(tg, tw, ti, g, batch);
      return;
    }
    boolean direct = ConvKernels.direct(g);
    NativeBlock col = direct ? null : pool.acquire(ckk * plane);
    try {
      FloatView go = new FloatView();
      FloatView dst = new FloatView();
      for (int n = 0; n < g.n(); n++) {
        FloatPointer c =
            direct ? dst.at(ti.ptr(), (long) n * g.c() * g.h() * g.w()) : col.pointer();
        OpenBlas.sgemm(
            true,
            false,
            ckk,
            plane,
            g.k(),
            1f,
            tw.ptr(),
            ckk,
            go.at(tg.ptr(), (long) n * g.k() * plane),
            plane,
            0f,
            c,
            plane);
        if (!direct) {
          ConvKernels.col2im(col.buffer(), n, g, ti.buf(), imageWork);
        }
      }
    } finally {
      if (col != null) {
        pool.release(col);
      }
    }
  }

  @Override
  public void conv2dBackwardWeight(
      Tensor x,
      Tensor gradOut,
      Conv2dParams params,
      float beta,
      Tensor gradWeight,
      Tensor gradBias) {
    String op = "conv2dBackwardWeight";
    CpuTensor tx = t(x, op, "x");
    CpuTensor tg = t(gradOut, op, "gradOut");
    CpuTensor tw = t(gradWeight, op, "gradWeight");
    CpuTensor tb = optional(gradBias, op, "gradBias");
    ConvGeometry g = OpChecks.conv2dBackwardWeight(x, gradOut, params, gradWeight, gradBias);
    int ckk = g.patchSize();
    int plane = g.outputPlane();
    int batch = ConvKernels.imagesPerCall(g);
    if (batch > 1) {
      conv2dBackwardWeightBatched(tx, tg, tw, g, beta, batch);
      if (tb != null) {
        ConvKernels.biasGradient(tg.buf(), g, beta, tb.buf(), scratch.get());
      }
      return;
    }
    NativeBlock col = ConvKernels.direct(g) ? null : pool.acquire(ckk * plane);
    try {
      FloatView in = new FloatView();
      FloatView go = new FloatView();
      for (int n = 0; n < g.n(); n++) {
        FloatPointer b = patches(tx, n, g, col, in);
        // OpenBLAS writes zeros (not beta * c) when beta == 0, so NaN in the old gradient dies
        OpenBlas.sgemm(
            false,
            true,
            g.k(),
            ckk,
            plane,
            1f,
            go.at(tg.ptr(), (long) n * g.k() * plane),
            plane,
            b,
            plane,
            n == 0 ? beta : 1f,
            tw.ptr(),
            ckk);
      }
    } finally {
      if (col != null) {
        pool.release(col);
      }
    }
    if (tb != null) {
      ConvKernels.biasGradient(tg.buf(), g, beta, tb.buf(), scratch.get());
    }
  }

  @Override
  public void maxPool2d(Tensor x, Pool2dParams params, Tensor out, Tensor indices) {
    String op = "maxPool2d";
    CpuTensor tx = t(x, op, "x");
    CpuTensor to = t(out, op, "out");
    CpuTensor ti = optional(indices, op, "indices");
    PoolGeometry g = OpChecks.maxPool2d(x, params, out, indices);
    PoolingKernels.maxPool(tx.buf(), g, to.buf(), buf(ti), imageWork);
  }

  @Override
  public void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
    String op = "maxPool2dBackward";
    CpuTensor tg = t(gradOut, op, "gradOut");
    CpuTensor ti = t(indices, op, "indices");
    CpuTensor tin = t(gradIn, op, "gradIn");
    int[] d = OpChecks.maxPool2dBackward(gradOut, indices, gradIn);
    int outPlane = gradOut.shape().dim(2) * gradOut.shape().dim(3);
    PoolingKernels.maxPoolBackward(
        tg.buf(), ti.buf(), d[0] * d[1], d[2] * d[3], outPlane, tin.buf(), imageWork);
  }

  @Override
  public void avgPool2d(Tensor x, Pool2dParams params, Tensor out) {
    CpuTensor tx = t(x, "avgPool2d", "x");
    CpuTensor to = t(out, "avgPool2d", "out");
    PoolGeometry g = OpChecks.avgPool2d(x, params, out);
    PoolingKernels.avgPool(tx.buf(), g, to.buf(), imageWork);
  }

  @Override
  public void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradIn) {
    String op = "avgPool2dBackward";
    CpuTensor tg = t(gradOut, op, "gradOut");
    CpuTensor ti = t(gradIn, op, "gradIn");
    PoolGeometry g = OpChecks.avgPool2dBackward(gradOut, params, gradIn);
    PoolingKernels.avgPoolBackward(tg.buf(), g, ti.buf(), imageWork);
  }

  @Override
  public void globalAvgPool2d(Tensor x, Tensor out) {
    CpuTensor tx = t(x, "globalAvgPool2d", "x");
    CpuTensor to = t(out, "globalAvgPool2d", "out");
    int[] d = OpChecks.globalAvgPool2d(x, out);
    PoolingKernels.globalAvgPool(tx.buf(), d[0] * d[1], d[2] * d[3], to.buf(), imageWork);
  }

  @Override
  public void globalAvgPool2dBackward(Tensor gradOut, Tensor gradIn) {
    String op = "globalAvgPool2dBackward";
    CpuTensor tg = t(gradOut, op, "gradOut");
    CpuTensor ti = t(gradIn, op, "gradIn");
    int[] d = OpChecks.globalAvgPool2dBackward(gradOut, gradIn);
    PoolingKernels.globalAvgPoolBackward(tg.buf(), d[0] * d[1], d[2] * d[3], ti.buf(), imageWork);
  }

  @Override
  public void batchNorm2dTraining(
      Tensor x,
      Tensor gamma,
      Tensor beta,
      float eps,
      float momentum,
      Tensor runningMean,
      Tensor runningVar,
      Tensor out,
      Tensor saveMean,
      Tensor saveInvStd) {
    String op = "batchNorm2dTraining";
    CpuTensor tx = t(x, op, "x");
    CpuTensor tg = t(gamma, op, "gamma");
    CpuTensor tb = t(beta, op, "beta");
    CpuTensor rm = optional(runningMean, op, "runningMean");
    CpuTensor rv = optional(runningVar, op, "runningVar");
    CpuTensor to = t(out, op, "out");
    CpuTensor sm = t(saveMean, op, "saveMean");
    CpuTensor si = t(saveInvStd, op, "saveInvStd");
    int[] d =
        OpChecks.batchNorm2dTraining(
            x, gamma, beta, eps, momentum, runningMean, runningVar, out, saveMean, saveInvStd);
    BatchNormKernels.training(
        tx.buf(), d, tg.buf(), tb.buf(), eps, momentum, buf(rm), buf(rv), to.buf(), sm.buf(),
        si.buf(), imageWork);
  }

  @Override
  public void batchNorm2dInference(
      Tensor x,
      Tensor gamma,
      Tensor beta,
      Tensor runningMean,
      Tensor runningVar,
      float eps,
      Tensor out) {
    String op = "batchNorm2dInference";
    CpuTensor tx = t(x, op, "x");
    CpuTensor tg = t(gamma, op, "gamma");
    CpuTensor tb = t(beta, op, "beta");
    CpuTensor rm = t(runningMean, op, "runningMean");
    CpuTensor rv = t(runningVar, op, "runningVar");
    CpuTensor to = t(out, op, "out");
    int[] d = OpChecks.batchNorm2dInference(x, gamma, beta, runningMean, runningVar, eps, out);
    BatchNormKernels.inference(
        tx.buf(), d, tg.buf(), tb.buf(), rm.buf(), rv.buf(), eps, to.buf(), imageWork);
  }

  @Override
  public void batchNorm2dBackward(
      Tensor x,
      Tensor gradOut,
      Tensor gamma,
      Tensor mean,
      Tensor invStd,
      boolean batchStatistics,
      Tensor gradIn,
      Tensor gradGamma,
      Tensor gradBeta) {
    String op = "batchNorm2dBackward";
    CpuTensor tx = t(x, op, "x");
    CpuTensor tgo = t(gradOut, op, "gradOut");
    CpuTensor tg = t(gamma, op, "gamma");
    CpuTensor tm = t(mean, op, "mean");
    CpuTensor ti = t(invStd, op, "invStd");
    CpuTensor gi = optional(gradIn, op, "gradIn");
    CpuTensor gg = optional(gradGamma, op, "gradGamma");
    CpuTensor gb = optional(gradBeta, op, "gradBeta");
    int[] d =
        OpChecks.batchNorm2dBackward(
            x, gradOut, gamma, mean, invStd, batchStatistics, gradIn, gradGamma, gradBeta);
    BatchNormKernels.backward(
        tx.buf(),
        tgo.buf(),
        d,
        tg.buf(),
        tm.buf(),
        ti.buf(),
        batchStatistics,
        buf(gi),
        buf(gg),
        buf(gb),
        imageWork);
  }

  /**
   * Image {@code n}'s patch matrix {@code [c*kh*kw, oh*ow]}: the input itself where the convolution
   * needs no unrolling ({@code col == null}, see {@link ConvKernels#direct}), else im2col into
   * {@code col}.
   */
  // Small convolutions (ConvKernels.imagesPerCall > 1): the images of a group are unrolled side
  // by side so that one sgemm covers the group; the product is [K, count*plane], moved to and from
  // the [count, K, plane] image layout by ConvKernels.transposeBatch. Both blocks come from the
  // pool, so a steady state asks the system for nothing.

  private void conv2dBatched(CpuTensor tx, CpuTensor tw, CpuTensor to, ConvGeometry g, int batch) {
    int ckk = g.patchSize();
    int plane = g.outputPlane();
    NativeBlock col = pool.acquire(ckk * batch * plane);
    NativeBlock wide = pool.acquire(g.k() * batch * plane);
    try {
      for (int n0 = 0; n0 < g.n(); n0 += batch) {
        int count = Math.min(batch, g.n() - n0);
        int cols = count * plane;
        ConvKernels.im2colBatch(tx.buf(), n0, count, g, col.buffer(), imageWork);
        OpenBlas.sgemm(
            false,
            false,
            g.k(),
            cols,
            ckk,
            1f,
            tw.ptr(),
            ckk,
            col.pointer(),
            cols,
            0f,
            wide.pointer(),
            cols);
        ConvKernels.transposeBatch(to.buf(), n0, count, g, wide.buffer(), true, imageWork);
      }
    } finally {
      pool.release(wide);
      pool.release(col);
    }
  }

  private void conv2dBackwardInputBatched(
      CpuTensor tg, CpuTensor tw, CpuTensor ti, ConvGeometry g, int batch) {
    int ckk = g.patchSize();
    int plane = g.outputPlane();
    NativeBlock col = pool.acquire(ckk * batch * plane);
    NativeBlock wide = pool.acquire(g.k() * batch * plane);
    try {
      for (int n0 = 0; n0 < g.n(); n0 += batch) {
        int count = Math.min(batch, g.n() - n0);
        int cols = count * plane;
        ConvKernels.transposeBatch(tg.buf(), n0, count, g, wide.buffer(), false, imageWork);
        OpenBlas.sgemm(
            true,
            false,
            ckk,
            cols,
            g.k(),
            1f,
            tw.ptr(),
            ckk,
            wide.pointer(),
            cols,
            0f,
            col.pointer(),
            cols);
        ConvKernels.col2imBatch(col.buffer(), n0, count, g, ti.buf(), imageWork);
      }
    } finally {
      pool.release(wide);
      pool.release(col);
    }
  }

  private void conv2dBackwardWeightBatched(
      CpuTensor tx, CpuTensor tg, CpuTensor tw, ConvGeometry g, float beta, int batch) {
    int ckk = g.patchSize();
    int plane = g.outputPlane();
    NativeBlock col = pool.acquire(ckk * batch * plane);
    NativeBlock wide = pool.acquire(g.k() * batch * plane);
    try {
      for (int n0 = 0; n0 < g.n(); n0 += batch) {
        int count = Math.min(batch, g.n() - n0);
        int cols = count * plane;
        ConvKernels.im2colBatch(tx.buf(), n0, count, g, col.buffer(), imageWork);
        ConvKernels.transposeBatch(tg.buf(), n0, count, g, wide.buffer(), false, imageWork);
        // OpenBLAS writes zeros (not beta * c) when beta == 0, so NaN in the old gradient dies
        OpenBlas.sgemm(
            false,
            true,
            g.k(),
            ckk,
            cols,
            1f,
            wide.pointer(),
            cols,
            col.pointer(),
            cols,
            n0 == 0 ? beta : 1f,
            tw.ptr(),
            ckk);
      }
    } finally {
      pool.release(wide);
      pool.release(col);
    }
  }

  private FloatPointer patches(
      CpuTensor x, int n, ConvGeometry g, NativeBlock col, FloatView view) {
    if (col == null) {
      return view.at(x.ptr(), (long) n * g.c() * g.h() * g.w());
    }
    ConvKernels.im2col(x.buf(), n, g, col.buffer(), imageWork);
    return col.pointer();
  }
}
