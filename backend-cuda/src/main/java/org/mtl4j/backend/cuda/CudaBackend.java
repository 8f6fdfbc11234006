package org.mtl4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuCtxCreate;
import static jcuda.driver.JCudaDriver.cuCtxDestroy;
import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.Broadcast;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.MemoryStats;
import org.mtl4j.api.backend.ShapeChecks;
import org.mtl4j.api.backend.TensorTracker;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * {@link ComputeBackend} on one NVIDIA GPU: every primitive is one of mtl4j's own CUDA kernels
 * ({@code src/main/cuda}), launched through JCuda's driver API in a context owned by this instance.
 * Memory comes from a {@link DeviceAllocator caching allocator}; the host is touched only by {@link
 * #upload}, {@link #download}, scalar results ({@link #dot}, {@link #sumSquares}) and index checks
 * of tensors that were not uploaded from the host. Reductions are deterministic.
 */
public final class CudaBackend implements ComputeBackend {
  private static final int THREADS = 256;
  private static final int MAX_GRID = 8192;
  private static final int MAX_PARTIALS = 1024;

  private final TensorTracker tracker = new TensorTracker(CudaBackendProvider.NAME);
  private final DeviceAllocator allocator = new DeviceAllocator();
  private final CUcontext context = new CUcontext();
  private final Kernels kernels;
  private final String description;
  private final int multiprocessors;
  private final AdamTable adamTable = new AdamTable();

  /** Host staging of {@link #uploadRows}, reused while the batch size stays the same. */
  private float[] rowStaging = new float[0];

  private final CUdevice primaryContext;
  private volatile boolean closed;

  CudaBackend(int deviceIndex) {
    JCudaDriver.setExceptionsEnabled(true);
    try {
      CUdevice dev = new CUdevice();
      cuDeviceGet(dev, deviceIndex);
      primaryContext = createContext(dev);
      cuCtxSetCurrent(context);
      kernels = new Kernels();
      multiprocessors =
          CudaProbe.attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
      long[] total = new long[1];
      cuDeviceTotalMem(total, dev);
      description =
          CudaProbe.deviceName(dev)
              + " (device "
              + deviceIndex
              + ", sm_"
              + CudaProbe.attribute(
                  dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
              + CudaProbe.attribute(
                  dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)
              + ", "
              + multiprocessors
              + " SMs, "
              + (total[0] >> 20)
              + " MiB)";
    } catch (CudaException e) {
      throw new IllegalStateException(
          "cuda backend: creating the context on device "
              + deviceIndex
              + " failed: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Creates this instance's own context; should the driver refuse the legacy {@code cuCtxCreate}
   * entry point, falls back to the device's primary context. Returns the device whose primary
   * context was retained, or null for an own context.
   */
  private CUdevice createContext(CUdevice dev) {
    try {
      cuCtxCreate(context, 0, dev);
      return null;
    } catch (CudaException | UnsatisfiedLinkError e) {
      cuDevicePrimaryCtxRetain(context, dev);
      return dev;
    }
  }

  // ------------------------------------------------------------------------------ plumbing

  private void run(String op, Runnable body, Tensor... operands) {
    call(
        op,
        () -> {
          body.run();
          return null;
        },
        operands);
  }

  /** Makes the context current, runs {@code body}, and names the op and shapes on CUDA errors. */
  private <T> T call(String op, Supplier<T> body, Tensor... operands) {
    if (closed) {
      throw new IllegalStateException(op + ": the cuda backend is closed");
    }
    try {
      cuCtxSetCurrent(context);
      return body.get();
    } catch (CudaException e) {
      StringBuilder shapes = new StringBuilder();
      for (Tensor t : operands) {
        shapes.append(shapes.length() == 0 ? "" : ", ").append(t == null ? "null" : t.shape());
      }
      throw new IllegalStateException(
          "cuda " + op + " [" + shapes + "] failed: " + e.getMessage(), e);
    }
  }

  private CudaTensor in(Tensor t, String op, String role) {
    return tracker.check(t, CudaTensor.class, op, role);
  }

  private CudaTensor out(Tensor t, String op, String role) {
    CudaTensor c = tracker.check(t, CudaTensor.class, op, role);
    c.deviceWritten();
    return c;
  }

  private static int grid(long n) {
    return (int) Math.max(1, Math.min(MAX_GRID, (n + THREADS - 1) / THREADS));
  }

  private static int partials(long n, int perBlock) {
    return (int) Math.max(1, Math.min(MAX_PARTIALS, (n + perBlock - 1) / perBlock));
  }

  /** The values of a small tensor on the host: its uploaded copy, or a read-back. */
  private float[] hostValues(CudaTensor t) {
    float[] s = t.hostShadow();
    if (s != null) {
      return s;
    }
    float[] v = new float[t.size()];
    if (v.length > 0) {
      cuMemcpyDtoH(Pointer.to(v), t.pointer(), 4L * v.length);
    }
    return v;
  }

  // ------------------------------------------------------------------------------ memory

  @Override
  public String name() {
    return CudaBackendProvider.NAME;
  }

  @Override
  public String deviceDescription() {
    return description;
  }

  @Override
  public Tensor allocate(Shape shape) {
    return allocate(shape, false);
  }

  @Override
  public Tensor allocatePersistent(Shape shape) {
    return allocate(shape, true);
  }

  private Tensor allocate(Shape shape, boolean persistent) {
    return call(
        persistent ? "allocatePersistent" : "allocate",
        () -> {
          CudaTensor t = new CudaTensor(shape, tracker, allocator);
          try {
            return persistent ? tracker.adoptPersistent(t) : tracker.adopt(t);
          } catch (RuntimeException e) {
            t.close();
            throw e;
          }
        });
  }

  @Override
  public TensorScope openScope() {
    return tracker.openScope();
  }

  @Override
  public void upload(float[] src, Tensor dst) {
    CudaTensor d = out(dst, "upload", "dst");
    if (src.length != d.size()) {
      throw ShapeChecks.error(
          "upload", src.length + " host values do not match dst " + dst.shape());
    }
    run(
        "upload",
        () -> {
          if (src.length > 0) {
            cuMemcpyHtoD(d.pointer(), Pointer.to(src), 4L * src.length);
          }
          d.uploaded(src);
        },
        dst);
  }

  /** Gathers on the host into a reused staging array, then one host-to-device copy. */
  @Override
  public void uploadRows(float[] src, int[] rows, Tensor dst) {
    out(dst, "uploadRows", "dst");
    ShapeChecks.uploadRows(src, rows, dst);
    int n = dst.shape().rows();
    int d = dst.shape().cols();
    if (rowStaging.length != n * d) {
      rowStaging = new float[n * d];
    }
    for (int i = 0; i < n; i++) {
      System.arraycopy(src, rows[i] * d, rowStaging, i * d, d);
    }
    upload(rowStaging, dst);
  }

  @Override
  public void download(Tensor src, float[] dst) {
    CudaTensor s = in(src, "download", "src");
    if (dst.length < s.size()) {
      throw ShapeChecks.error(
          "download", "host array of " + dst.length + " is too small for src " + src.shape());
    }
    run(
        "download",
        () -> {
          if (s.size() > 0) {
            cuMemcpyDtoH(Pointer.to(dst), s.pointer(), 4L * s.size());
          }
        },
        src);
  }

  @Override
  public void fill(Tensor t, float value) {
    CudaTensor x = out(t, "fill", "t");
    run("fill", () -> launch1("fill_f32", x.size(), x.address(), x.size(), value), t);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    CudaTensor s = in(src, "copy", "src");
    CudaTensor d = out(dst, "copy", "dst");
    ShapeChecks.sameShape("copy", src, "src", dst, "dst");
    run(
        "copy",
        () -> {
          if (s.size() > 0 && s != d) {
            cuMemcpyDtoD(d.pointer(), s.pointer(), 4L * s.size());
          }
        },
        src,
        dst);
  }

  @Override
  public void copyColumns(Tensor src, int srcCol, Tensor dst, int dstCol, int count) {
    CudaTensor s = in(src, "copyColumns", "src");
    CudaTensor d = out(dst, "copyColumns", "dst");
    ShapeChecks.columns(src, srcCol, dst, dstCol, count);
    int rows = src.shape().rows();
    run(
        "copyColumns",
        () ->
            launch1(
                "copy_columns",
                (long) rows * count,
                s.address(),
                src.shape().cols(),
                srcCol,
                d.address(),
                dst.shape().cols(),
                dstCol,
                rows,
                count),
        src,
        dst);
  }

  @Override
  public MemoryStats memoryStats() {
    return new MemoryStats(
        allocator.systemAllocations(),
        allocator.bytesReserved(),
        allocator.bytesInUse(),
        tracker.liveTensors());
  }

  @Override
  public void synchronize() {
    run("synchronize", JCudaDriver::cuCtxSynchronize);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    tracker.closeAll();
    try {
      cuCtxSetCurrent(context);
      cuCtxSynchronize();
      adamTable.release();
      allocator.freeCached();
      kernels.unload();
      if (primaryContext == null) {
        cuCtxDestroy(context);
      } else {
        cuDevicePrimaryCtxRelease(primaryContext);
      }
    } catch (CudaException e) {
      throw new IllegalStateException("cuda close failed: " + e.getMessage(), e);
    } finally {
      closed = true;
    }
  }

  /** A one-dimensional launch over {@code n} elements; nothing when {@code n == 0}. */
  private void launch1(String kernel, long n, Object... args) {
    if (n > 0) {
      kernels.launch(kernel, grid(n), 1, THREADS, 1, args);
    }
  }

  /** A launch with one warp per row, eight rows per block. */
  private void launchRows(String kernel, int rows, Object... args) {
    if (rows > 0) {
      kernels.launch(kernel, (rows + 7) / 8, 1, THREADS, 1, args);
    }
  }

  // ------------------------------------------------------------------------------ linear algebra

  @Override
  public void gemm(
      boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
    CudaTensor ta = in(a, "gemm", "a");
    CudaTensor tb = in(b, "gemm", "b");
    int[] mnk = ShapeChecks.gemm(transA, transB, a, b, c);
    CudaTensor tc = out(c, "gemm", "c");
    int m = mnk[0];
    int n = mnk[1];
    int k = mnk[2];
    if (m == 0 || n == 0) {
      return;
    }
    long bigTiles = (long) ((m + 127) / 128) * ((n + 127) / 128);
    int tile = bigTiles >= multiprocessors ? 128 : 64;
    if ((m + tile - 1) / tile > 65535) {
      throw ShapeChecks.error(
          "gemm",
          "m = " + m + " rows exceed the grid limit of " + 65535L * tile + " for this kernel");
    }
    String kernel = "sgemm" + tile + "_" + (transA ? "t" : "n") + (transB ? "t" : "n");
    run(
        "gemm " + (transA ? "T" : "N") + (transB ? "T" : "N"),
        () ->
            kernels.launch(
                kernel,
                (n + tile - 1) / tile,
                (m + tile - 1) / tile,
                THREADS,
                1,
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
    CudaTensor ty = out(y, "axpby", "y");
    ShapeChecks.sameShape("axpby", x, "x", y, "y");
    run(
        "axpby",
        () -> launch1("axpby_f32", tx.size(), alpha, tx.address(), beta, ty.address(), tx.size()),
        x,
        y);
  }

  @Override
  public void affine(Tensor x, float scale, float shift, Tensor out) {
    CudaTensor tx = in(x, "affine", "x");
    CudaTensor to = out(out, "affine", "out");
    ShapeChecks.sameShape("affine", x, "x", out, "out");
    run(
        "affine",
        () -> launch1("affine_f32", tx.size(), tx.address(), scale, shift, to.address(), tx.size()),
        x,
        out);
  }

  @Override
  public double dot(Tensor a, Tensor b) {
    CudaTensor ta = in(a, "dot", "a");
    CudaTensor tb = in(b, "dot", "b");
    ShapeChecks.sameShape("dot", a, "a", b, "b");
    return call("dot", () -> reduceToHost(1, ta, tb), a, b);
  }

  @Override
  public double sumSquares(Tensor x) {
    CudaTensor tx = in(x, "sumSquares", "x");
    return call("sumSquares", () -> reduceToHost(2, tx, tx), x);
  }

  /** Two-pass deterministic reduction; see reductions.cu. */
  private double reduceToHost(int kind, CudaTensor a, CudaTensor b) {
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

  // ------------------------------------------------------------------------------ element-wise

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    String name = "binary " + op;
    CudaTensor ta = in(a, name, "a");
    CudaTensor tb = in(b, name, "b");
    Broadcast mode = ShapeChecks.binary(op, a, b, out);
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
    String name = "unary " + op;
    CudaTensor tx = in(x, name, "x");
    CudaTensor to = out(out, name, "out");
    ShapeChecks.sameShape(name, x, "x", out, "out");
    run(
        name,
        () -> launch1("unary_f32", tx.size(), op.ordinal(), tx.address(), to.address(), tx.size()),
        x,
        out);
  }

  @Override
  public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gradOut, Tensor gradIn) {
    String name = "unaryBackward " + op;
    CudaTensor tx = in(x, name, "x");
    CudaTensor ty = in(y, name, "y");
    CudaTensor tg = in(gradOut, name, "gradOut");
    ShapeChecks.sameShape(name, x, "x", y, "y");
    ShapeChecks.sameShape(name, x, "x", gradOut, "gradOut");
    ShapeChecks.sameShape(name, x, "x", gradIn, "gradIn");
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

  // ------------------------------------------------------------------------------ reductions

  @Override
  public void sumRows(Tensor x, Tensor out) {
    CudaTensor tx = in(x, "sumRows", "x");
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    ShapeChecks.shapeIs("sumRows", out, "out", 1, cols);
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
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    ShapeChecks.shapeIs("sumCols", out, "out", rows, 1);
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
    ShapeChecks.shapeIs("sumAll", out, "out", 1, 1);
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
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    ShapeChecks.shapeIs("argmaxRows", out, "out", rows, 1);
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

  private void softmax(String op, Tensor x, Tensor out, int log) {
    CudaTensor tx = in(x, op, "x");
    ShapeChecks.sameShape(op, x, "x", out, "out");
    CudaTensor to = out(out, op, "out");
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    run(
        op,
        () -> launchRows("softmax_rows", rows, tx.address(), to.address(), rows, cols, log),
        x,
        out);
  }

  // ------------------------------------------------------------------------------ fused losses

  @Override
  public void softmaxCrossEntropy(
      Tensor logits, Tensor labels, Tensor mask, Tensor loss, Tensor gradLogits) {
    String op = "softmaxCrossEntropy";
    CudaTensor tz = in(logits, op, "logits");
    CudaTensor ty = in(labels, op, "labels");
    CudaTensor tm = mask == null ? null : in(mask, op, "mask");
    in(loss, op, "loss");
    if (gradLogits != null) {
      in(gradLogits, op, "gradLogits");
    }
    int n = logits.shape().rows();
    int k = logits.shape().cols();
    ShapeChecks.shapeIs(op, labels, "labels", n, 1);
    if (mask != null) {
      ShapeChecks.shapeIs(op, mask, "mask", n, 1);
    }
    ShapeChecks.shapeIs(op, loss, "loss", 1, 1);
    if (gradLogits != null) {
      ShapeChecks.sameShape(op, logits, "logits", gradLogits, "gradLogits");
    }
    run(
        op,
        () -> {
          float[] y = hostValues(ty);
          float[] m = tm == null ? null : hostValues(tm);
          for (int i = 0; i < n; i++) {
            if (m == null || m[i] != 0f) {
              ShapeChecks.index(op, i, y[i], k);
            }
          }
          CudaTensor tl = out(loss, op, "loss");
          CudaTensor tg = gradLogits == null ? null : out(gradLogits, op, "gradLogits");
          long maskAddr = tm == null ? 0L : tm.address();
          int blocks = partials(n, 8);
          DeviceAllocator.Block scratch = allocator.acquire(8L * (2 * blocks + 2));
          try {
            long partial = scratch.address();
            long stats = partial + 16L * blocks;
            kernels.launch(
                "ce_partial",
                blocks,
                1,
                THREADS,
                1,
                tz.address(),
                ty.address(),
                maskAddr,
                n,
                k,
                partial);
            kernels.launch("loss_finish", 1, 1, THREADS, 1, partial, blocks, stats, tl.address());
            if (tg != null) {
              launchRows(
                  "ce_grad", n, tz.address(), ty.address(), maskAddr, n, k, stats, tg.address());
            }
          } finally {
            allocator.release(scratch);
          }
        },
        logits,
        labels,
        mask,
        loss,
        gradLogits);
  }

  @Override
  public void bceWithLogits(
      Tensor logits, Tensor targets, Tensor mask, Tensor loss, Tensor gradLogits) {
    elementLoss("bceWithLogits", 0, logits, targets, mask, loss, gradLogits);
  }

  @Override
  public void mse(
      Tensor predictions, Tensor targets, Tensor mask, Tensor loss, Tensor gradPredictions) {
    elementLoss("mse", 1, predictions, targets, mask, loss, gradPredictions);
  }

  private void elementLoss(
      String op, int kind, Tensor x, Tensor targets, Tensor mask, Tensor loss, Tensor grad) {
    CudaTensor tz = in(x, op, kind == 0 ? "logits" : "predictions");
    CudaTensor tt = in(targets, op, "targets");
    CudaTensor tm = mask == null ? null : in(mask, op, "mask");
    in(loss, op, "loss");
    if (grad != null) {
      in(grad, op, "grad");
    }
    ShapeChecks.sameShape(op, x, "input", targets, "targets");
    ShapeChecks.mask(op, x, mask);
    ShapeChecks.shapeIs(op, loss, "loss", 1, 1);
    if (grad != null) {
      ShapeChecks.sameShape(op, x, "input", grad, "grad");
    }
    CudaTensor tl = out(loss, op, "loss");
    CudaTensor tg = grad == null ? null : out(grad, op, "grad");
    int n = x.shape().rows();
    int k = x.shape().cols();
    int maskMode = mask == null ? 0 : (mask.shape().sameMatrix(x.shape()) ? 1 : 2);
    long total = (long) n * k;
    run(
        op,
        () -> {
          int blocks = partials(total, THREADS * 4);
          DeviceAllocator.Block scratch = allocator.acquire(8L * (2 * blocks + 2));
          long maskAddr = tm == null ? 0L : tm.address();
          try {
            long partial = scratch.address();
            long stats = partial + 16L * blocks;
            kernels.launch(
                "elem_loss_partial",
                blocks,
                1,
                THREADS,
                1,
                kind,
                tz.address(),
                tt.address(),
                maskAddr,
                maskMode,
                n,
                k,
                partial);
            kernels.launch("loss_finish", 1, 1, THREADS, 1, partial, blocks, stats, tl.address());
            if (tg != null) {
              launch1(
                  "elem_loss_grad",
                  total,
                  kind,
                  tz.address(),
                  tt.address(),
                  maskAddr,
                  maskMode,
                  n,
                  k,
                  stats,
                  tg.address());
            }
          } finally {
            allocator.release(scratch);
          }
        },
        x,
        targets,
        mask,
        loss,
        grad);
  }

  // ------------------------------------------------------------------------------ embeddings

  @Override
  public void gatherRows(Tensor table, Tensor indices, Tensor out) {
    String op = "gatherRows";
    CudaTensor tt = in(table, op, "table");
    CudaTensor ti = in(indices, op, "indices");
    in(out, op, "out");
    int n = ShapeChecks.gatherRows(table, indices, out);
    int d = table.shape().cols();
    run(
        op,
        () -> {
          float[] idx = hostValues(ti);
          ShapeChecks.rowIndices(op, i -> idx[i], n, table.shape().rows());
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
    int n = ShapeChecks.scatterAddRows(src, indices, table);
    int d = table.shape().cols();
    run(
        op,
        () -> {
          float[] idx = hostValues(ti);
          int[] rows = ShapeChecks.rowIndices(op, i -> idx[i], n, table.shape().rows());
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
    ShapeChecks.probability("dropoutMask", p);
    CudaTensor tm = out(mask, "dropoutMask", "mask");
    float keep = (float) (1.0 / (1.0 - p));
    run(
        "dropoutMask",
        () -> launch1("dropout_mask", tm.size(), seed, p, keep, tm.address(), tm.size()),
        mask);
  }

  // ------------------------------------------------------------------------------ optimisers

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
    in(param, op, "param");
    CudaTensor tg = in(grad, op, "grad");
    ShapeChecks.sameShape(op, param, "param", grad, "grad");
    CudaTensor tv = null;
    if (momentum != 0f) {
      in(velocity, op, "velocity");
      ShapeChecks.sameShape(op, param, "param", velocity, "velocity");
      tv = out(velocity, op, "velocity");
    }
    CudaTensor tp = out(param, op, "param");
    long vel = tv == null ? 0L : tv.address();
    run(
        op,
        () ->
            launch1(
                "sgd_step",
                tp.size(),
                tp.address(),
                tg.address(),
                vel,
                tp.size(),
                lr,
                momentum,
                weightDecay,
                nesterov ? 1 : 0),
        param,
        grad,
        velocity);
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
    CudaTensor[] t = checkAdam(op, param, grad, m, v, step);
    double bc1 = 1.0 - Math.pow(beta1, step);
    double bc2 = 1.0 - Math.pow(beta2, step);
    run(
        op,
        () ->
            launch1(
                "adam_step",
                t[0].size(),
                t[0].address(),
                t[1].address(),
                t[2].address(),
                t[3].address(),
                t[0].size(),
                lr,
                beta1,
                beta2,
                eps,
                weightDecay,
                decoupled ? 1 : 0,
                bc1,
                bc2),
        param,
        grad,
        m,
        v);
  }

  private CudaTensor[] checkAdam(
      String op, Tensor param, Tensor grad, Tensor m, Tensor v, int step) {
    in(param, op, "param");
    CudaTensor tg = in(grad, op, "grad");
    in(m, op, "m");
    in(v, op, "v");
    ShapeChecks.sameShape(op, param, "param", grad, "grad");
    ShapeChecks.sameShape(op, param, "param", m, "m");
    ShapeChecks.sameShape(op, param, "param", v, "v");
    if (step < 1) {
      throw ShapeChecks.error(op, "step must be >= 1, got " + step);
    }
    return new CudaTensor[] {out(param, op, "param"), tg, out(m, op, "m"), out(v, op, "v")};
  }

  /** One launch for the whole parameter list; see {@link AdamTable}. */
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
    int count = params.size();
    if (grads.size() != count || ms.size() != count || vs.size() != count || lrs.length != count) {
      throw ShapeChecks.error(
          op,
          "lists differ in length: params "
              + count
              + ", grads "
              + grads.size()
              + ", ms "
              + ms.size()
              + ", vs "
              + vs.size()
              + ", lrs "
              + lrs.length);
    }
    if (count == 0) {
      return;
    }
    List<CudaTensor[]> entries = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      entries.add(
          checkAdam(
              op + " parameter " + i, params.get(i), grads.get(i), ms.get(i), vs.get(i), step));
    }
    double bc1 = 1.0 - Math.pow(beta1, step);
    double bc2 = 1.0 - Math.pow(beta2, step);
    run(
        op,
        () -> {
          long total = adamTable.update(entries, lrs);
          launch1(
              "adam_step_all",
              total,
              adamTable.tableAddress(),
              adamTable.offsetsAddress(),
              adamTable.lrsAddress(),
              count,
              beta1,
              beta2,
              eps,
              weightDecay,
              decoupled ? 1 : 0,
              bc1,
              bc2);
        },
        params.get(0));
  }

  /**
   * The device table of the fused Adam step (parameter, gradient and moment addresses, size
   * offsets, learning rates). It is uploaded only when the parameter list or the learning rates
   * change, so a steady-state training step transfers nothing to the device.
   */
  private final class AdamTable {
    private long[] key = new long[0];
    private float[] lrs = new float[0];
    private DeviceAllocator.Block block;
    private int count;

    synchronized long update(List<CudaTensor[]> entries, float[] newLrs) {
      int n = entries.size();
      long[] newKey = new long[5 * n];
      long total = 0;
      for (int i = 0; i < n; i++) {
        CudaTensor[] e = entries.get(i);
        for (int j = 0; j < 4; j++) {
          newKey[5 * i + j] = e[j].address();
        }
        newKey[5 * i + 4] = e[0].size();
        total += e[0].size();
      }
      if (!Arrays.equals(newKey, key) || !Arrays.equals(newLrs, lrs)) {
        ByteBuffer buf = ByteBuffer.allocate(8 * 4 * n + 8 * (n + 1) + 4 * n);
        buf.order(ByteOrder.nativeOrder());
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < 4; j++) {
            buf.putLong(newKey[5 * i + j]);
          }
        }
        long off = 0;
        buf.putLong(0);
        for (int i = 0; i < n; i++) {
          off += newKey[5 * i + 4];
          buf.putLong(off);
        }
        for (float lr : newLrs) {
          buf.putFloat(lr);
        }
        if (block == null || block.bytes() < buf.capacity()) {
          release();
          block = allocator.acquire(buf.capacity());
        }
        byte[] bytes = buf.array();
        cuMemcpyHtoD(block.pointer(), Pointer.to(bytes), bytes.length);
        key = newKey;
        lrs = newLrs.clone();
        count = n;
      }
      return total;
    }

    long tableAddress() {
      return block.address();
    }

    long offsetsAddress() {
      return block.address() + 32L * count;
    }

    long lrsAddress() {
      return block.address() + 32L * count + 8L * (count + 1);
    }

    synchronized void release() {
      if (block != null) {
        allocator.release(block);
        block = null;
        key = new long[0];
      }
    }
  }
}
