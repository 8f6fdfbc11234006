package org.mtl4j.backend.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import jcuda.Pointer;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.ImageShapeChecks.ConvGeometry;
import org.mtl4j.api.backend.ImageShapeChecks.PoolGeometry;
import org.mtl4j.api.backend.OpChecks;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.ShapeChecks;
import org.mtl4j.api.backend.TensorTracker;
import org.mtl4j.api.tensor.Tensor;

/**
 * The image primitives of {@link ComputeBackend} on the CUDA backend: the host side of {@code
 * images.cu}. Convolution is im2col + sgemm + col2im (Chellapilla, Puri and Simard, "High
 * performance convolutional neural networks for document processing", 2006) over chunks of the
 * batch whose im2col matrix fits {@link #WORKSPACE_FLOATS}; pooling keeps PyTorch's semantics
 * (argmax indices, {@code count_include_pad}); batch normalisation follows Ioffe and Szegedy,
 * "Batch normalization", ICML 2015. Workspaces come from the backend's caching allocator and are
 * released at the end of each call, so a steady-state training step allocates no device memory.
 * Every sum is deterministic (no atomics contribute to a result).
 */
final class CudaImageOps {
  /** Floats of im2col and channel-major workspace one convolution chunk may use (128 MiB). */
  static final long WORKSPACE_FLOATS = 32L << 20;

  private static final int THREADS = 256;
  private static final int MAX_GRID = 8192;

  /** The backend's error-wrapping call: makes its context current and names op and shapes. */
  @FunctionalInterface
  interface DeviceCall {
    void run(String op, Runnable body, Tensor... operands);
  }

  private final TensorTracker tracker;
  private final DeviceAllocator allocator;
  private final Kernels kernels;
  private final int multiprocessors;
  private final DeviceCall device;
  private final long workspaceFloats;

  CudaImageOps(
      TensorTracker tracker,
      DeviceAllocator allocator,
      Kernels kernels,
      int multiprocessors,
      DeviceCall device) {
    this(tracker, allocator, kernels, multiprocessors, device, WORKSPACE_FLOATS);
  }

  private CudaImageOps(
      TensorTracker tracker,
      DeviceAllocator allocator,
      Kernels kernels,
      int multiprocessors,
      DeviceCall device,
      long workspaceFloats) {
    this.tracker = tracker;
    this.allocator = allocator;
    this.kernels = kernels;
    this.multiprocessors = multiprocessors;
    this.device = device;
    this.workspaceFloats = workspaceFloats;
  }

  /** The same operations with another convolution workspace bound (tests of the chunk loop). */
  CudaImageOps withWorkspaceFloats(long floats) {
    return new CudaImageOps(tracker, allocator, kernels, multiprocessors, device, floats);
  }

  private CudaTensor in(Tensor t, String op, String role) {
    return t == null ? null : tracker.check(t, CudaTensor.class, op, role);
  }

  private CudaTensor out(Tensor t, String op, String role) {
    CudaTensor c = in(t, op, role);
    if (c != null) {
      c.deviceWritten();
    }
    return c;
  }

  private static long addr(CudaTensor t) {
    return t == null ? 0L : t.address();
  }

  private static int grid(long n) {
    return (int) Math.max(1, Math.min(MAX_GRID, (n + THREADS - 1) / THREADS));
  }

  /** A grid-stride launch over {@code n} elements; nothing when {@code n == 0}. */
  private void launch1(String kernel, long n, Object... args) {
    if (n > 0) {
      kernels.launch(kernel, grid(n), 1, THREADS, 1, args);
    }
  }

  // ---------------------------------------------------------------- reshape

  void reshape(Tensor src, Tensor dst) {
    CudaTensor s = in(src, "reshape", "src");
    CudaTensor d = out(dst, "reshape", "dst");
    OpChecks.reshape(src, dst);
    device.run(
        "reshape",
        () -> {
          if (s.size() > 0 && s != d) {
            cuMemcpyDtoD(d.pointer(), s.pointer(), 4L * s.size());
          }
        },
        src,
        dst);
  }

  // ---------------------------------------------------------------- convolution

  /** Images per chunk: as many as fit the workspace, at least one. */
  int chunk(ConvGeometry g) {
    long perImage = ((long) g.patchSize() + g.k()) * g.outputPlane();
    return (int) Math.max(1, Math.min(g.n(), workspaceFloats / Math.max(1, perImage)));
  }

  /** The im2col and channel-major workspace of one chunk of {@code images} images. */
  private record Workspace(DeviceAllocator.Block block, long col, long kmajor) {}

  private Workspace workspace(ConvGeometry g, int images) {
    long cols = (long) images * g.outputPlane();
    long colFloats = (long) g.patchSize() * cols;
    long bytes = 4L * (colFloats + (long) g.k() * cols);
    DeviceAllocator.Block b = allocator.acquire(Math.max(4, bytes));
    return new Workspace(b, b.address(), b.address() + 4L * colFloats);
  }

  private Object[] geometryArgs(ConvGeometry g, int images) {
    Conv2dParams p = g.params();
    return new Object[] {
      images,
      g.c(),
      g.h(),
      g.w(),
      g.kh(),
      g.kw(),
      p.strideH(),
      p.strideW(),
      p.padH(),
      p.padW(),
      p.dilationH(),
      p.dilationW(),
      g.oh(),
      g.ow()
    };
  }

  private void im2col(ConvGeometry g, long x, int images, long col) {
    Object[] geo = geometryArgs(g, images);
    Object[] args = new Object[geo.length + 2];
    args[0] = x;
    System.arraycopy(geo, 0, args, 1, geo.length);
    args[args.length - 1] = col;
    launch1("im2col", (long) g.patchSize() * images * g.outputPlane(), args);
  }

  private void col2im(ConvGeometry g, long col, int images, long x) {
    Object[] geo = geometryArgs(g, images);
    Object[] args = new Object[geo.length + 2];
    args[0] = col;
    System.arraycopy(geo, 0, args, 1, geo.length);
    args[args.length - 1] = x;
    launch1("col2im", (long) images * g.c() * g.h() * g.w(), args);
  }

  void conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
    String op = "conv2d";
    CudaTensor tx = in(x, op, "x");
    CudaTensor tw = in(weight, op, "weight");
    CudaTensor tb = in(bias, op, "bias");
    in(out, op, "out");
    ConvGeometry g = OpChecks.conv2d(x, weight, bias, params, out);
    CudaTensor to = out(out, op, "out");
    device.run(
        op,
        () -> convForward(g, tx.address(), tw.address(), addr(tb), to.address()),
        x,
        weight,
        out);
  }

  private void convForward(ConvGeometry g, long x, long w, long bias, long out) {
    int chunk = chunk(g);
    int ohw = g.outputPlane();
    Workspace ws = workspace(g, chunk);
    try {
      for (int s0 = 0; s0 < g.n(); s0 += chunk) {
        int images = Math.min(chunk, g.n() - s0);
        int cols = images * ohw;
        im2col(g, x + 4L * s0 * g.c() * g.h() * g.w(), images, ws.col());
        Sgemm.launch(
            kernels,
            multiprocessors,
            "conv2d",
            false,
            false,
            g.k(),
            cols,
            g.patchSize(),
            1f,
            w,
            g.patchSize(),
            ws.col(),
            cols,
            0f,
            ws.kmajor(),
            cols);
        launch1(
            "kmajor_to_nchw",
            (long) images * g.k() * ohw,
            ws.kmajor(),
            bias,
            images,
            g.k(),
            ohw,
            out + 4L * s0 * g.k() * ohw);
      }
    } finally {
      allocator.release(ws.block());
    }
  }

  void conv2dBackwardInput(Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradIn) {
    String op = "conv2dBackwardInput";
    CudaTensor tg = in(gradOut, op, "gradOut");
    CudaTensor tw = in(weight, op, "weight");
    in(gradIn, op, "gradIn");
    ConvGeometry g = OpChecks.conv2dBackwardInput(gradOut, weight, params, gradIn);
    CudaTensor ti = out(gradIn, op, "gradIn");
    device.run(
        op,
        () -> {
          int chunk = chunk(g);
          int ohw = g.outputPlane();
          Workspace ws = workspace(g, chunk);
          try {
            for (int s0 = 0; s0 < g.n(); s0 += chunk) {
              int images = Math.min(chunk, g.n() - s0);
              int cols = images * ohw;
              launch1(
                  "nchw_to_kmajor",
                  (long) images * g.k() * ohw,
                  tg.address() + 4L * s0 * g.k() * ohw,
                  images,
                  g.k(),
                  ohw,
                  ws.kmajor());
              Sgemm.launch(
                  kernels,
                  multiprocessors,
                  op,
                  true,
                  false,
                  g.patchSize(),
                  cols,
                  g.k(),
                  1f,
                  tw.address(),
                  g.patchSize(),
                  ws.kmajor(),
                  cols,
                  0f,
                  ws.col(),
                  cols);
              col2im(g, ws.col(), images, ti.address() + 4L * s0 * g.c() * g.h() * g.w());
            }
          } finally {
            allocator.release(ws.block());
          }
        },
        gradOut,
        weight,
        gradIn);
  }

  void conv2dBackwardWeight(
      Tensor x,
      Tensor gradOut,
      Conv2dParams params,
      float beta,
      Tensor gradWeight,
      Tensor gradBias) {
    String op = "conv2dBackwardWeight";
    CudaTensor tx = in(x, op, "x");
    CudaTensor tg = in(gradOut, op, "gradOut");
    in(gradWeight, op, "gradWeight");
    in(gradBias, op, "gradBias");
    ConvGeometry g = OpChecks.conv2dBackwardWeight(x, gradOut, params, gradWeight, gradBias);
    CudaTensor tw = out(gradWeight, op, "gradWeight");
    CudaTensor tb = out(gradBias, op, "gradBias");
    device.run(
        op,
        () -> {
          int chunk = chunk(g);
          int ohw = g.outputPlane();
          int patch = g.patchSize();
          if (g.n() == 0) {
            // no terms: gradWeight = beta * gradWeight (an empty product)
            Sgemm.launch(
                kernels,
                multiprocessors,
                op,
                false,
                true,
                g.k(),
                patch,
                0,
                1f,
                0L,
                1,
                0L,
                1,
                beta,
                tw.address(),
                patch);
          }
          Workspace ws = workspace(g, chunk);
          try {
            for (int s0 = 0; s0 < g.n(); s0 += chunk) {
              int images = Math.min(chunk, g.n() - s0);
              int cols = images * ohw;
              im2col(g, tx.address() + 4L * s0 * g.c() * g.h() * g.w(), images, ws.col());
              launch1(
                  "nchw_to_kmajor",
                  (long) images * g.k() * ohw,
                  tg.address() + 4L * s0 * g.k() * ohw,
                  images,
                  g.k(),
                  ohw,
                  ws.kmajor());
              Sgemm.launch(
                  kernels,
                  multiprocessors,
                  op,
                  false,
                  true,
                  g.k(),
                  patch,
                  cols,
                  1f,
                  ws.kmajor(),
                  cols,
                  ws.col(),
                  cols,
                  s0 == 0 ? beta : 1f,
                  tw.address(),
                  patch);
            }
          } finally {
            allocator.release(ws.block());
          }
          if (tb != null && g.k() > 0) {
            kernels.launch(
                "conv_bias_grad",
                g.k(),
                1,
                THREADS,
                1,
                tg.address(),
                g.n(),
                g.k(),
                ohw,
                beta,
                tb.address());
          }
        },
        x,
        gradOut,
        gradWeight,
        gradBias);
  }

  // ---------------------------------------------------------------- pooling

  private static Object[] poolArgs(long x, PoolGeometry g, Object... outputs) {
    Pool2dParams p = g.params();
    Object[] head = {
      x,
      g.n() * g.c(),
      g.h(),
      g.w(),
      p.kernelH(),
      p.kernelW(),
      p.strideH(),
      p.strideW(),
      p.padH(),
      p.padW(),
      g.oh(),
      g.ow()
    };
    Object[] args = new Object[head.length + outputs.length];
    System.arraycopy(head, 0, args, 0, head.length);
    System.arraycopy(outputs, 0, args, head.length, outputs.length);
    return args;
  }

  void maxPool2d(Tensor x, Pool2dParams params, Tensor out, Tensor indices) {
    String op = "maxPool2d";
    CudaTensor tx = in(x, op, "x");
    in(out, op, "out");
    in(indices, op, "indices");
    PoolGeometry g = OpChecks.maxPool2d(x, params, out, indices);
    CudaTensor to = out(out, op, "out");
    CudaTensor ti = out(indices, op, "indices");
    long total = (long) g.n() * g.c() * g.oh() * g.ow();
    device.run(
        op,
        () -> {
          launch1("max_pool", total, poolArgs(tx.address(), g, to.address(), addr(ti)));
          if (ti != null) {
            ti.poolIndicesWritten(g.h() * g.w());
          }
        },
        x,
        out,
        indices);
  }

  void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
    String op = "maxPool2dBackward";
    CudaTensor tg = in(gradOut, op, "gradOut");
    CudaTensor ti = in(indices, op, "indices");
    in(gradIn, op, "gradIn");
    int[] d = OpChecks.maxPool2dBackward(gradOut, indices, gradIn);
    int planes = d[0] * d[1];
    int hw = d[2] * d[3];
    int ohw = gradOut.shape().dim(2) * gradOut.shape().dim(3);
    device.run(
        op,
        () -> {
          if (ti.poolIndexPlane() != hw) {
            checkIndices(op, ti, (long) planes * ohw, hw);
          }
          CudaTensor gi = out(gradIn, op, "gradIn");
          launch1("fill_f32", gi.size(), gi.address(), gi.size(), 0f);
          launch1(
              "max_pool_backward",
              planes,
              tg.address(),
              ti.address(),
              planes,
              ohw,
              hw,
              gi.address());
        },
        gradOut,
        indices,
        gradIn);
  }

  /**
   * Indices not written by {@link #maxPool2d} for this plane size are checked on the device; the
   * first invalid one is read back for the message.
   */
  private void checkIndices(String op, CudaTensor idx, long total, int hw) {
    if (total == 0) {
      return;
    }
    int limit = (int) Math.min(Integer.MAX_VALUE, total);
    DeviceAllocator.Block flag = allocator.acquire(4);
    try {
      cuMemcpyHtoD(flag.pointer(), Pointer.to(new int[] {limit}), 4);
      launch1("pool_index_check", total, idx.address(), total, hw, flag.address());
      int[] bad = new int[1];
      cuMemcpyDtoH(Pointer.to(bad), flag.pointer(), 4);
      if (bad[0] < limit) {
        float[] v = new float[1];
        cuMemcpyDtoH(Pointer.to(v), idx.pointer().withByteOffset(4L * bad[0]), 4);
        ShapeChecks.index(op, bad[0], v[0], hw);
      }
    } finally {
      allocator.release(flag);
    }
  }

  void avgPool2d(Tensor x, Pool2dParams params, Tensor out) {
    String op = "avgPool2d";
    CudaTensor tx = in(x, op, "x");
    in(out, op, "out");
    PoolGeometry g = OpChecks.avgPool2d(x, params, out);
    CudaTensor to = out(out, op, "out");
    long total = (long) g.n() * g.c() * g.oh() * g.ow();
    device.run(
        op, () -> launch1("avg_pool", total, poolArgs(tx.address(), g, to.address())), x, out);
  }

  void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradIn) {
    String op = "avgPool2dBackward";
    CudaTensor tg = in(gradOut, op, "gradOut");
    in(gradIn, op, "gradIn");
    PoolGeometry g = OpChecks.avgPool2dBackward(gradOut, params, gradIn);
    CudaTensor ti = out(gradIn, op, "gradIn");
    long total = (long) g.n() * g.c() * g.h() * g.w();
    device.run(
        op,
        () -> launch1("avg_pool_backward", total, poolArgs(tg.address(), g, ti.address())),
        gradOut,
        gradIn);
  }

  void globalAvgPool2d(Tensor x, Tensor out) {
    String op = "globalAvgPool2d";
    CudaTensor tx = in(x, op, "x");
    in(out, op, "out");
    int[] d = OpChecks.globalAvgPool2d(x, out);
    CudaTensor to = out(out, op, "out");
    int planes = d[0] * d[1];
    int hw = d[2] * d[3];
    device.run(
        op,
        () -> {
          if (planes > 0) {
            kernels.launch(
                "global_avg_pool",
                (planes + 7) / 8,
                1,
                THREADS,
                1,
                tx.address(),
                planes,
                hw,
                to.address());
          }
        },
        x,
        out);
  }

  void globalAvgPool2dBackward(Tensor gradOut, Tensor gradIn) {
    String op = "globalAvgPool2dBackward";
    CudaTensor tg = in(gradOut, op, "gradOut");
    in(gradIn, op, "gradIn");
    int[] d = OpChecks.globalAvgPool2dBackward(gradOut, gradIn);
    CudaTensor ti = out(gradIn, op, "gradIn");
    int planes = d[0] * d[1];
    int hw = d[2] * d[3];
    device.run(
        op,
        () ->
            launch1(
                "global_avg_pool_backward",
                (long) planes * hw,
                tg.address(),
                planes,
                hw,
                ti.address()),
        gradOut,
        gradIn);
  }

  // ---------------------------------------------------------------- batch normalisation

  void batchNorm2dTraining(
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
    CudaTensor tx = in(x, op, "x");
    CudaTensor tg = in(gamma, op, "gamma");
    CudaTensor tb = in(beta, op, "beta");
    in(runningMean, op, "runningMean");
    in(runningVar, op, "runningVar");
    in(out, op, "out");
    in(saveMean, op, "saveMean");
    in(saveInvStd, op, "saveInvStd");
    int[] d =
        OpChecks.batchNorm2dTraining(
            x, gamma, beta, eps, momentum, runningMean, runningVar, out, saveMean, saveInvStd);
    CudaTensor rm = out(runningMean, op, "runningMean");
    CudaTensor rv = out(runningVar, op, "runningVar");
    CudaTensor to = out(out, op, "out");
    CudaTensor sm = out(saveMean, op, "saveMean");
    CudaTensor si = out(saveInvStd, op, "saveInvStd");
    int c = d[1];
    int hw = d[2] * d[3];
    device.run(
        op,
        () -> {
          DeviceAllocator.Block stats = allocator.acquire(16L * Math.max(1, c));
          try {
            kernels.launch(
                "bn_stats",
                c,
                1,
                THREADS,
                1,
                tx.address(),
                d[0],
                c,
                hw,
                eps,
                momentum,
                addr(rm),
                addr(rv),
                sm.address(),
                si.address(),
                stats.address());
            launch1(
                "bn_apply",
                (long) d[0] * c * hw,
                tx.address(),
                d[0],
                c,
                hw,
                stats.address(),
                tg.address(),
                tb.address(),
                to.address());
          } finally {
            allocator.release(stats);
          }
        },
        x,
        out);
  }

  void batchNorm2dInference(
      Tensor x,
      Tensor gamma,
      Tensor beta,
      Tensor runningMean,
      Tensor runningVar,
      float eps,
      Tensor out) {
    String op = "batchNorm2dInference";
    CudaTensor tx = in(x, op, "x");
    CudaTensor tg = in(gamma, op, "gamma");
    CudaTensor tb = in(beta, op, "beta");
    CudaTensor rm = in(runningMean, op, "runningMean");
    CudaTensor rv = in(runningVar, op, "runningVar");
    in(out, op, "out");
    int[] d = OpChecks.batchNorm2dInference(x, gamma, beta, runningMean, runningVar, eps, out);
    CudaTensor to = out(out, op, "out");
    int c = d[1];
    int hw = d[2] * d[3];
    device.run(
        op,
        () -> {
          DeviceAllocator.Block stats = allocator.acquire(16L * Math.max(1, c));
          try {
            launch1("bn_fixed_stats", c, rm.address(), rv.address(), c, eps, stats.address());
            launch1(
                "bn_apply",
                (long) d[0] * c * hw,
                tx.address(),
                d[0],
                c,
                hw,
                stats.address(),
                tg.address(),
                tb.address(),
                to.address());
          } finally {
            allocator.release(stats);
          }
        },
        x,
        out);
  }

  void batchNorm2dBackward(
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
    CudaTensor tx = in(x, op, "x");
    CudaTensor tgo = in(gradOut, op, "gradOut");
    CudaTensor tgm = in(gamma, op, "gamma");
    CudaTensor tm = in(mean, op, "mean");
    CudaTensor ts = in(invStd, op, "invStd");
    in(gradIn, op, "gradIn");
    in(gradGamma, op, "gradGamma");
    in(gradBeta, op, "gradBeta");
    int[] d =
        OpChecks.batchNorm2dBackward(
            x, gradOut, gamma, mean, invStd, batchStatistics, gradIn, gradGamma, gradBeta);
    CudaTensor gi = out(gradIn, op, "gradIn");
    CudaTensor gg = out(gradGamma, op, "gradGamma");
    CudaTensor gb = out(gradBeta, op, "gradBeta");
    int c = d[1];
    int hw = d[2] * d[3];
    boolean sums = gg != null || gb != null || (gi != null && batchStatistics);
    device.run(
        op,
        () -> {
          DeviceAllocator.Block partial = allocator.acquire(16L * Math.max(1, c));
          try {
            if (sums && c > 0) {
              kernels.launch(
                  "bn_backward_reduce",
                  c,
                  1,
                  THREADS,
                  1,
                  tx.address(),
                  tgo.address(),
                  d[0],
                  c,
                  hw,
                  tm.address(),
                  ts.address(),
                  partial.address(),
                  addr(gg),
                  addr(gb));
            }
            if (gi != null) {
              launch1(
                  "bn_backward_input",
                  (long) d[0] * c * hw,
                  tx.address(),
                  tgo.address(),
                  d[0],
                  c,
                  hw,
                  tgm.address(),
                  tm.address(),
                  ts.address(),
                  partial.address(),
                  batchStatistics ? 1 : 0,
                  gi.address());
            }
          } finally {
            allocator.release(partial);
          }
        },
        x,
        gradOut,
        gradIn);
  }
}
