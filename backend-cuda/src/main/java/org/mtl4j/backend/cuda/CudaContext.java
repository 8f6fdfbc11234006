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

import java.util.function.Supplier;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.MemoryStats;
import org.mtl4j.api.backend.OpChecks;
import org.mtl4j.api.backend.TensorTracker;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * The context and memory of a {@link CudaBackend}: the CUDA context owned by the instance, the
 * caching {@link DeviceAllocator}, the loaded {@link Kernels}, tensor allocation, host transfers,
 * copies and the launch plumbing every op kind uses (naming the op and shapes on CUDA errors). The
 * ops are split by kind like {@code backend-cpu}'s kernels: {@link CudaElementwiseOps}, {@link
 * CudaReductionOps}, {@link CudaLossOps}, {@link CudaOptimizerOps}.
 */
abstract class CudaContext implements ComputeBackend {
  static final int THREADS = 256;
  static final int MAX_GRID = 8192;
  static final int MAX_PARTIALS = 1024;

  final TensorTracker tracker = new TensorTracker(CudaBackendProvider.NAME);
  final DeviceAllocator allocator = new DeviceAllocator();
  final CUcontext context = new CUcontext();
  final Kernels kernels;
  final String description;
  final int multiprocessors;

  /** Host staging of {@link #uploadRows}, reused while the batch size stays the same. */
  float[] rowStaging = new float[0];

  final CUdevice primaryContext;
  volatile boolean closed;

  CudaContext(int deviceIndex) {
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
  CUdevice createContext(CUdevice dev) {
    try {
      cuCtxCreate(context, 0, dev);
      return null;
    } catch (CudaException | UnsatisfiedLinkError e) {
      cuDevicePrimaryCtxRetain(context, dev);
      return dev;
    }
  }

  // ------------------------------------------------------------------------------ plumbing

  void run(String op, Runnable body, Tensor... operands) {
    call(
        op,
        () -> {
          body.run();
          return null;
        },
        operands);
  }

  /** Makes the context current, runs {@code body}, and names the op and shapes on CUDA errors. */
  <T> T call(String op, Supplier<T> body, Tensor... operands) {
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

  CudaTensor in(Tensor t, String op, String role) {
    return tracker.check(t, CudaTensor.class, op, role);
  }

  CudaTensor out(Tensor t, String op, String role) {
    CudaTensor c = tracker.check(t, CudaTensor.class, op, role);
    c.deviceWritten();
    return c;
  }

  static int grid(long n) {
    return (int) Math.max(1, Math.min(MAX_GRID, (n + THREADS - 1) / THREADS));
  }

  static int partials(long n, int perBlock) {
    return (int) Math.max(1, Math.min(MAX_PARTIALS, (n + perBlock - 1) / perBlock));
  }

  /** The values of a small tensor on the host: its uploaded copy, or a read-back. */
  float[] hostValues(CudaTensor t) {
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

  Tensor allocate(Shape shape, boolean persistent) {
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
    OpChecks.upload(src, dst);
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
    OpChecks.uploadRows(src, rows, dst);
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
    OpChecks.download(src, dst);
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
    in(dst, "copy", "dst");
    OpChecks.copy(src, dst);
    CudaTensor d = out(dst, "copy", "dst");
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
    in(dst, "copyColumns", "dst");
    OpChecks.copyColumns(src, srcCol, dst, dstCol, count);
    CudaTensor d = out(dst, "copyColumns", "dst");
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
      releaseDeviceTables();
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
  void launch1(String kernel, long n, Object... args) {
    if (n > 0) {
      kernels.launch(kernel, grid(n), 1, THREADS, 1, args);
    }
  }

  /** A launch with one warp per row, eight rows per block. */
  void launchRows(String kernel, int rows, Object... args) {
    if (rows > 0) {
      kernels.launch(kernel, (rows + 7) / 8, 1, THREADS, 1, args);
    }
  }

  /** Frees the device tables of the op classes (the fused Adam step's) before the context goes. */
  abstract void releaseDeviceTables();
}
