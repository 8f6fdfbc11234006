package org.mtl4j.api.testing;

import org.mtl4j.api.backend.AbstractTensor;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.Broadcast;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.backend.ImageShapeChecks.ConvGeometry;
import org.mtl4j.api.backend.ImageShapeChecks.PoolGeometry;
import org.mtl4j.api.backend.MemoryStats;
import org.mtl4j.api.backend.OpChecks;
import org.mtl4j.api.backend.OpNames;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.ShapeChecks;
import org.mtl4j.api.backend.TensorTracker;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * Every {@link ComputeBackend} primitive in plain Java, accumulating in double: the oracle of the
 * conformance kit. In {@link Precision#FLOAT} mode every stored value is rounded to float32 as a
 * real backend's would be; in {@link Precision#DOUBLE} mode nothing is rounded, which is what
 * finite-difference gradient checks need.
 */
public final class ReferenceBackend implements ComputeBackend {

  /** Whether stored values are rounded to float32. */
  public enum Precision {
    FLOAT,
    DOUBLE
  }

  private final Precision precision;
  private final TensorTracker tracker;
  private long systemAllocations;
  private long bytesInUse;

  public ReferenceBackend() {
    this(Precision.FLOAT);
  }

  public ReferenceBackend(Precision precision) {
    this.precision = precision;
    this.tracker = new TensorTracker("reference");
  }

  public Precision precision() {
    return precision;
  }

  /** A tensor of the reference backend: a double array. */
  static final class RefTensor extends AbstractTensor {
    final double[] data;
    private final ReferenceBackend owner;

    RefTensor(Shape shape, ReferenceBackend owner) {
      super(shape, owner.tracker);
      this.data = new double[shape.size()];
      this.owner = owner;
    }

    @Override
    protected void release() {
      synchronized (owner) {
        owner.bytesInUse -= 4L * data.length;
      }
    }
  }

  private double r(double x) {
    return precision == Precision.FLOAT ? (double) (float) x : x;
  }

  private RefTensor t(Tensor x, String op, String role) {
    return tracker.check(x, RefTensor.class, op, role);
  }

  /** Direct read access for tests that work in double precision (e.g. gradient checks). */
  public double[] doubles(Tensor x) {
    return t(x, "doubles", "tensor").data.clone();
  }

  /** Direct write access in double precision. */
  public void uploadDoubles(double[] src, Tensor dst) {
    RefTensor d = t(dst, "uploadDoubles", "dst");
    if (src.length != d.data.length) {
      throw ShapeChecks.error("uploadDoubles", src.length + " values for " + dst.shape());
    }
    for (int i = 0; i < src.length; i++) {
      d.data[i] = r(src[i]);
    }
  }

  @Override
  public String name() {
    return "reference";
  }

  @Override
  public String deviceDescription() {
    return "plain Java reference (" + precision + ")";
  }

  @Override
  public Tensor allocate(Shape shape) {
    RefTensor x = new RefTensor(shape, this);
    synchronized (this) {
      systemAllocations++;
      bytesInUse += 4L * shape.size();
    }
    java.util.Arrays.fill(x.data, Double.NaN);
    return tracker.adopt(x);
  }

  @Override
  public Tensor allocatePersistent(Shape shape) {
    RefTensor x = new RefTensor(shape, this);
    synchronized (this) {
      systemAllocations++;
      bytesInUse += 4L * shape.size();
    }
    java.util.Arrays.fill(x.data, Double.NaN);
    return tracker.adoptPersistent(x);
  }

  @Override
  public TensorScope openScope() {
    return tracker.openScope();
  }

  @Override
  public void upload(float[] src, Tensor dst) {
    RefTensor d = t(dst, "upload", "dst");
    OpChecks.upload(src, dst);
    for (int i = 0; i < src.length; i++) {
      d.data[i] = src[i];
    }
  }

  @Override
  public void download(Tensor src, float[] dst) {
    RefTensor s = t(src, "download", "src");
    OpChecks.download(src, dst);
    for (int i = 0; i < s.data.length; i++) {
      dst[i] = (float) s.data[i];
    }
  }

  @Override
  public void fill(Tensor x, float value) {
    java.util.Arrays.fill(t(x, "fill", "t").data, value);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    RefTensor s = t(src, "copy", "src");
    RefTensor d = t(dst, "copy", "dst");
    OpChecks.copy(src, dst);
    System.arraycopy(s.data, 0, d.data, 0, s.data.length);
  }

  @Override
  public void copyColumns(Tensor src, int srcCol, Tensor dst, int dstCol, int count) {
    RefTensor s = t(src, "copyColumns", "src");
    RefTensor d = t(dst, "copyColumns", "dst");
    OpChecks.copyColumns(src, srcCol, dst, dstCol, count);
    int rows = src.shape().rows();
    int sc = src.shape().cols();
    int dc = dst.shape().cols();
    for (int i = 0; i < rows; i++) {
      System.arraycopy(s.data, i * sc + srcCol, d.data, i * dc + dstCol, count);
    }
  }

  @Override
  public synchronized MemoryStats memoryStats() {
    return new MemoryStats(systemAllocations, bytesInUse, bytesInUse, tracker.liveTensors());
  }

  @Override
  public void close() {
    tracker.closeAll();
  }

  @Override
  public void gemm(
      boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
    RefTensor ta = t(a, "gemm", "a");
    RefTensor tb = t(b, "gemm", "b");
    RefTensor tc = t(c, "gemm", "c");
    int k = OpChecks.gemm(transA, transB, a, b, c);
    int m = c.shape().rows();
    int n = c.shape().cols();
    int lda = a.shape().cols();
    int ldb = b.shape().cols();
    // op(a) by rows and op(b) by columns in contiguous arrays; the sum runs over p in order.
    double[] rowsA = new double[m * k];
    double[] colsB = new double[n * k];
    for (int i = 0; i < m; i++) {
      for (int p = 0; p < k; p++) {
        rowsA[i * k + p] = transA ? ta.data[p * lda + i] : ta.data[i * lda + p];
      }
    }
    for (int j = 0; j < n; j++) {
      for (int p = 0; p < k; p++) {
        colsB[j * k + p] = transB ? tb.data[j * ldb + p] : tb.data[p * ldb + j];
      }
    }
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += rowsA[i * k + p] * colsB[j * k + p];
        }
        double prior = beta == 0f ? 0.0 : beta * tc.data[i * n + j];
        tc.data[i * n + j] = r(alpha * s + prior);
      }
    }
  }

  @Override
  public void axpby(float alpha, Tensor x, float beta, Tensor y) {
    RefTensor tx = t(x, "axpby", "x");
    RefTensor ty = t(y, "axpby", "y");
    OpChecks.axpby(x, y);
    for (int i = 0; i < tx.data.length; i++) {
      ty.data[i] = r(alpha * tx.data[i] + (beta == 0f ? 0.0 : beta * ty.data[i]));
    }
  }

  @Override
  public void affine(Tensor x, float scale, float shift, Tensor out) {
    RefTensor tx = t(x, "affine", "x");
    RefTensor to = t(out, "affine", "out");
    OpChecks.affine(x, out);
    for (int i = 0; i < tx.data.length; i++) {
      to.data[i] = r(scale * tx.data[i] + shift);
    }
  }

  @Override
  public double dot(Tensor a, Tensor b) {
    RefTensor ta = t(a, "dot", "a");
    RefTensor tb = t(b, "dot", "b");
    OpChecks.dot(a, b);
    double s = 0;
    for (int i = 0; i < ta.data.length; i++) {
      s += ta.data[i] * tb.data[i];
    }
    return s;
  }

  @Override
  public double sumSquares(Tensor x) {
    double s = 0;
    for (double v : t(x, "sumSquares", "x").data) {
      s += v * v;
    }
    return s;
  }

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    String name = OpNames.binary(op);
    RefTensor ta = t(a, name, "a");
    RefTensor tb = t(b, name, "b");
    RefTensor to = t(out, name, "out");
    Broadcast mode = OpChecks.binary(op, a, b, out);
    int rows = a.shape().rows();
    int cols = a.shape().cols();
    double[] bd = tb.data.clone(); // out may alias b
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        double bv =
            switch (mode) {
              case SAME -> bd[i * cols + j];
              case ROW -> bd[j];
              case COLUMN -> bd[i];
              case SCALAR -> bd[0];
            };
        to.data[i * cols + j] = r(apply(op, ta.data[i * cols + j], bv));
      }
    }
  }

  private static double apply(BinaryOp op, double a, double b) {
    return switch (op) {
      case ADD -> a + b;
      case SUB -> a - b;
      case MUL -> a * b;
      case DIV -> a / b;
      case MAX -> (Double.isNaN(a) || Double.isNaN(b)) ? Double.NaN : Math.max(a, b);
      case MIN -> (Double.isNaN(a) || Double.isNaN(b)) ? Double.NaN : Math.min(a, b);
    };
  }

  @Override
  public void unary(UnaryOp op, Tensor x, Tensor out) {
    String name = OpNames.unary(op);
    RefTensor tx = t(x, name, "x");
    RefTensor to = t(out, name, "out");
    OpChecks.unary(op, x, out);
    for (int i = 0; i < tx.data.length; i++) {
      to.data[i] = r(op.apply(tx.data[i]));
    }
  }

  @Override
  public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gradOut, Tensor gradIn) {
    String name = OpNames.unaryBackward(op);
    RefTensor tx = t(x, name, "x");
    RefTensor ty = t(y, name, "y");
    RefTensor tg = t(gradOut, name, "gradOut");
    RefTensor ti = t(gradIn, name, "gradIn");
    OpChecks.unaryBackward(op, x, y, gradOut, gradIn);
    for (int i = 0; i < tx.data.length; i++) {
      ti.data[i] = r(tg.data[i] * op.derivative(tx.data[i], ty.data[i]));
    }
  }

  @Override
  public void sumRows(Tensor x, Tensor out) {
    RefTensor tx = t(x, "sumRows", "x");
    RefTensor to = t(out, "sumRows", "out");
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    OpChecks.sumRows(x, out);
    for (int j = 0; j < cols; j++) {
      double s = 0;
      for (int i = 0; i < rows; i++) {
        s += tx.data[i * cols + j];
      }
      to.data[j] = r(s);
    }
  }

  @Override
  public void sumCols(Tensor x, Tensor out) {
    RefTensor tx = t(x, "sumCols", "x");
    RefTensor to = t(out, "sumCols", "out");
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    OpChecks.sumCols(x, out);
    double[] sums = new double[rows];
    for (int i = 0; i < rows; i++) {
      double s = 0;
      for (int j = 0; j < cols; j++) {
        s += tx.data[i * cols + j];
      }
      sums[i] = s;
    }
    for (int i = 0; i < rows; i++) {
      to.data[i] = r(sums[i]);
    }
  }

  @Override
  public void sumAll(Tensor x, Tensor out) {
    RefTensor tx = t(x, "sumAll", "x");
    RefTensor to = t(out, "sumAll", "out");
    OpChecks.sumAll(x, out);
    double s = 0;
    for (double v : tx.data) {
      s += v;
    }
    to.data[0] = r(s);
  }

  @Override
  public void argmaxRows(Tensor x, Tensor out) {
    RefTensor tx = t(x, "argmaxRows", "x");
    RefTensor to = t(out, "argmaxRows", "out");
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    OpChecks.argmaxRows(x, out);
    double[] idx = new double[rows];
    for (int i = 0; i < rows; i++) {
      int best = 0;
      double bv = tx.data[i * cols];
      for (int j = 1; j < cols && !Double.isNaN(bv); j++) {
        double v = tx.data[i * cols + j];
        if (Double.isNaN(v) || v > bv) {
          best = j;
          bv = v;
        }
      }
      idx[i] = best;
    }
    System.arraycopy(idx, 0, to.data, 0, rows);
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
    RefTensor tx = t(x, op, "x");
    RefTensor to = t(out, op, "out");
    if (log) {
      OpChecks.logSoftmaxRows(x, out);
    } else {
      OpChecks.softmaxRows(x, out);
    }
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    for (int i = 0; i < rows; i++) {
      double[] lsm = logSoftmaxRow(tx.data, i * cols, cols);
      for (int j = 0; j < cols; j++) {
        to.data[i * cols + j] = r(log ? lsm[j] : Math.exp(lsm[j]));
      }
    }
  }

  private static double[] logSoftmaxRow(double[] d, int off, int cols) {
    double max = Double.NEGATIVE_INFINITY;
    boolean nan = false;
    for (int j = 0; j < cols; j++) {
      double v = d[off + j];
      nan |= Double.isNaN(v);
      max = Math.max(max, v);
    }
    double[] out = new double[cols];
    if (nan) {
      java.util.Arrays.fill(out, Double.NaN);
      return out;
    }
    double s = 0;
    for (int j = 0; j < cols; j++) {
      s += Math.exp(d[off + j] - max);
    }
    double lse = max + Math.log(s);
    for (int j = 0; j < cols; j++) {
      out[j] = d[off + j] - lse;
    }
    return out;
  }

  private static double maskAt(RefTensor mask, int i, int j, int cols) {
    if (mask == null) {
      return 1.0;
    }
    return mask.shape().cols() == 1 ? mask.data[i] : mask.data[i * cols + j];
  }

  @Override
  public void softmaxCrossEntropy(
      Tensor logits, Tensor labels, Tensor mask, Tensor loss, Tensor gradLogits) {
    String op = "softmaxCrossEntropy";
    RefTensor tz = t(logits, op, "logits");
    RefTensor ty = t(labels, op, "labels");
    RefTensor tm = mask == null ? null : t(mask, op, "mask");
    RefTensor tl = t(loss, op, "loss");
    RefTensor tg = gradLogits == null ? null : t(gradLogits, op, "gradLogits");
    int n = logits.shape().rows();
    int k = logits.shape().cols();
    OpChecks.softmaxCrossEntropy(logits, labels, mask, loss, gradLogits);
    double count = 0;
    for (int i = 0; i < n; i++) {
      count += maskAt(tm, i, 0, 1);
    }
    double denom = Math.max(1.0, count);
    double total = 0;
    double[] grad = new double[n * k];
    for (int i = 0; i < n; i++) {
      double m = maskAt(tm, i, 0, 1);
      if (m == 0) {
        continue;
      }
      int y = OpChecks.label(i, (float) ty.data[i], k);
      double[] lsm = logSoftmaxRow(tz.data, i * k, k);
      total += -lsm[y] * m;
      for (int j = 0; j < k; j++) {
        grad[i * k + j] = m * (Math.exp(lsm[j]) - (j == y ? 1.0 : 0.0)) / denom;
      }
    }
    tl.data[0] = r(total / denom);
    if (tg != null) {
      for (int i = 0; i < grad.length; i++) {
        tg.data[i] = r(grad[i]);
      }
    }
  }

  @Override
  public void bceWithLogits(
      Tensor logits, Tensor targets, Tensor mask, Tensor loss, Tensor gradLogits) {
    elementLoss("bceWithLogits", logits, targets, mask, loss, gradLogits, true);
  }

  @Override
  public void mse(
      Tensor predictions, Tensor targets, Tensor mask, Tensor loss, Tensor gradPredictions) {
    elementLoss("mse", predictions, targets, mask, loss, gradPredictions, false);
  }

  private void elementLoss(
      String op, Tensor x, Tensor targets, Tensor mask, Tensor loss, Tensor grad, boolean bce) {
    RefTensor tz = t(x, op, bce ? "logits" : "predictions");
    RefTensor tt = t(targets, op, "targets");
    RefTensor tm = mask == null ? null : t(mask, op, "mask");
    RefTensor tl = t(loss, op, "loss");
    RefTensor tg = grad == null ? null : t(grad, op, bce ? "gradLogits" : "gradPredictions");
    if (bce) {
      OpChecks.bceWithLogits(x, targets, mask, loss, grad);
    } else {
      OpChecks.mse(x, targets, mask, loss, grad);
    }
    int n = x.shape().rows();
    int k = x.shape().cols();
    double count = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        count += maskAt(tm, i, j, k);
      }
    }
    double denom = Math.max(1.0, count);
    double total = 0;
    double[] g = new double[n * k];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < k; j++) {
        double m = maskAt(tm, i, j, k);
        if (m == 0) {
          continue;
        }
        double z = tz.data[i * k + j];
        double y = tt.data[i * k + j];
        if (bce) {
          total += m * (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))));
          g[i * k + j] = m * (UnaryOp.SIGMOID.apply(z) - y) / denom;
        } else {
          double d = z - y;
          total += m * d * d;
          g[i * k + j] = m * 2.0 * d / denom;
        }
      }
    }
    tl.data[0] = r(total / denom);
    if (tg != null) {
      for (int i = 0; i < g.length; i++) {
        tg.data[i] = r(g[i]);
      }
    }
  }

  @Override
  public void gatherRows(Tensor table, Tensor indices, Tensor out) {
    String op = "gatherRows";
    RefTensor tt = t(table, op, "table");
    RefTensor ti = t(indices, op, "indices");
    RefTensor to = t(out, op, "out");
    int n = OpChecks.gatherRows(table, indices, out);
    int d = table.shape().cols();
    int[] rows = OpChecks.rowIndices(op, i -> ti.data[i], n, table.shape().rows());
    for (int i = 0; i < n; i++) {
      System.arraycopy(tt.data, rows[i] * d, to.data, i * d, d);
    }
  }

  @Override
  public void scatterAddRows(Tensor src, Tensor indices, Tensor table) {
    String op = "scatterAddRows";
    RefTensor ts = t(src, op, "src");
    RefTensor ti = t(indices, op, "indices");
    RefTensor tt = t(table, op, "table");
    int n = OpChecks.scatterAddRows(src, indices, table);
    int d = table.shape().cols();
    int[] rows = OpChecks.rowIndices(op, i -> ti.data[i], n, table.shape().rows());
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        tt.data[rows[i] * d + j] = r(tt.data[rows[i] * d + j] + ts.data[i * d + j]);
      }
    }
  }

  @Override
  public void dropoutMask(long seed, float p, Tensor mask) {
    OpChecks.dropoutMask(p);
    RefTensor tm = t(mask, "dropoutMask", "mask");
    double keep = 1.0 / (1.0 - p);
    for (int i = 0; i < tm.data.length; i++) {
      tm.data[i] = r(CounterRng.uniform(seed, i) >= p ? keep : 0.0);
    }
  }

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
    RefTensor tp = t(param, op, "param");
    RefTensor tg = t(grad, op, "grad");
    RefTensor tv = momentum != 0f ? t(velocity, op, "velocity") : null;
    OpChecks.sgdStep(param, grad, velocity, momentum);
    for (int i = 0; i < tp.data.length; i++) {
      double g = tg.data[i] + (double) weightDecay * tp.data[i];
      if (tv != null) {
        tv.data[i] = r(momentum * tv.data[i] + g);
        g = nesterov ? g + momentum * tv.data[i] : tv.data[i];
      }
      tp.data[i] = r(tp.data[i] - lr * g);
    }
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
    RefTensor tp = t(param, op, "param");
    RefTensor tg = t(grad, op, "grad");
    RefTensor tm = t(m, op, "m");
    RefTensor tv = t(v, op, "v");
    OpChecks.adamStep(param, grad, m, v, step);
    double bc1 = 1.0 - Math.pow(beta1, step);
    double bc2 = 1.0 - Math.pow(beta2, step);
    for (int i = 0; i < tp.data.length; i++) {
      double p = tp.data[i];
      double g = tg.data[i];
      if (decoupled) {
        p = p * (1.0 - (double) lr * weightDecay);
      } else {
        g = g + (double) weightDecay * p;
      }
      tm.data[i] = r(beta1 * tm.data[i] + (1.0 - beta1) * g);
      tv.data[i] = r(beta2 * tv.data[i] + (1.0 - beta2) * g * g);
      double mhat = tm.data[i] / bc1;
      double vhat = tv.data[i] / bc2;
      tp.data[i] = r(p - lr * mhat / (Math.sqrt(vhat) + eps));
    }
  }

  // ---------------------------------------------------------------- images (NCHW)

  private double[] data(Tensor x, String op, String role) {
    return x == null ? null : t(x, op, role).data;
  }

  @Override
  public void reshape(Tensor src, Tensor dst) {
    RefTensor s = t(src, "reshape", "src");
    RefTensor d = t(dst, "reshape", "dst");
    OpChecks.reshape(src, dst);
    System.arraycopy(s.data, 0, d.data, 0, s.data.length);
  }

  @Override
  public void conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
    String op = "conv2d";
    double[] xd = data(x, op, "x");
    double[] wd = data(weight, op, "weight");
    double[] bd = data(bias, op, "bias");
    double[] od = data(out, op, "out");
    ConvGeometry g = OpChecks.conv2d(x, weight, bias, params, out);
    ReferenceImageOps.conv2d(xd, wd, bd, g, od, this::r);
  }

  @Override
  public void conv2dBackwardInput(
      Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradIn) {
    String op = "conv2dBackwardInput";
    double[] god = data(gradOut, op, "gradOut");
    double[] wd = data(weight, op, "weight");
    double[] gid = data(gradIn, op, "gradIn");
    ConvGeometry g = OpChecks.conv2dBackwardInput(gradOut, weight, params, gradIn);
    ReferenceImageOps.conv2dBackwardInput(god, wd, g, gid, this::r);
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
    double[] xd = data(x, op, "x");
    double[] god = data(gradOut, op, "gradOut");
    double[] gw = data(gradWeight, op, "gradWeight");
    double[] gb = data(gradBias, op, "gradBias");
    ConvGeometry g = OpChecks.conv2dBackwardWeight(x, gradOut, params, gradWeight, gradBias);
    ReferenceImageOps.conv2dBackwardWeight(xd, god, g, beta, gw, gb, this::r);
  }

  @Override
  public void maxPool2d(Tensor x, Pool2dParams params, Tensor out, Tensor indices) {
    String op = "maxPool2d";
    double[] xd = data(x, op, "x");
    double[] od = data(out, op, "out");
    double[] id = data(indices, op, "indices");
    PoolGeometry g = OpChecks.maxPool2d(x, params, out, indices);
    ReferenceImageOps.maxPool2d(xd, g, od, id, this::r);
  }

  @Override
  public void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
    String op = "maxPool2dBackward";
    double[] god = data(gradOut, op, "gradOut");
    double[] id = data(indices, op, "indices");
    double[] gid = data(gradIn, op, "gradIn");
    int[] d = OpChecks.maxPool2dBackward(gradOut, indices, gradIn);
    int outPlane = gradOut.shape().dim(2) * gradOut.shape().dim(3);
    ReferenceImageOps.maxPool2dBackward(god, id, d, outPlane, gid, this::r);
  }

  @Override
  public void avgPool2d(Tensor x, Pool2dParams params, Tensor out) {
    double[] xd = data(x, "avgPool2d", "x");
    double[] od = data(out, "avgPool2d", "out");
    PoolGeometry g = OpChecks.avgPool2d(x, params, out);
    ReferenceImageOps.avgPool2d(xd, g, od, this::r);
  }

  @Override
  public void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradIn) {
    String op = "avgPool2dBackward";
    double[] god = data(gradOut, op, "gradOut");
    double[] gid = data(gradIn, op, "gradIn");
    PoolGeometry g = OpChecks.avgPool2dBackward(gradOut, params, gradIn);
    ReferenceImageOps.avgPool2dBackward(god, g, gid, this::r);
  }

  @Override
  public void globalAvgPool2d(Tensor x, Tensor out) {
    double[] xd = data(x, "globalAvgPool2d", "x");
    double[] od = data(out, "globalAvgPool2d", "out");
    int[] d = OpChecks.globalAvgPool2d(x, out);
    ReferenceImageOps.globalAvgPool2d(xd, d, od, this::r);
  }

  @Override
  public void globalAvgPool2dBackward(Tensor gradOut, Tensor gradIn) {
    String op = "globalAvgPool2dBackward";
    double[] god = data(gradOut, op, "gradOut");
    double[] gid = data(gradIn, op, "gradIn");
    int[] d = OpChecks.globalAvgPool2dBackward(gradOut, gradIn);
    ReferenceImageOps.globalAvgPool2dBackward(god, d, gid, this::r);
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
    OpChecks.batchNorm2dTraining(
        x, gamma, beta, eps, momentum, runningMean, runningVar, out, saveMean, saveInvStd);
    ReferenceImageOps.batchNorm2dTraining(
        data(x, op, "x"),
        x.shape().dims(),
        data(gamma, op, "gamma"),
        data(beta, op, "beta"),
        eps,
        momentum,
        data(runningMean, op, "runningMean"),
        data(runningVar, op, "runningVar"),
        data(out, op, "out"),
        data(saveMean, op, "saveMean"),
        data(saveInvStd, op, "saveInvStd"),
        this::r);
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
    OpChecks.batchNorm2dInference(x, gamma, beta, runningMean, runningVar, eps, out);
    ReferenceImageOps.batchNorm2dInference(
        data(x, op, "x"),
        x.shape().dims(),
        data(gamma, op, "gamma"),
        data(beta, op, "beta"),
        data(runningMean, op, "runningMean"),
        data(runningVar, op, "runningVar"),
        eps,
        data(out, op, "out"),
        this::r);
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
    OpChecks.batchNorm2dBackward(
        x, gradOut, gamma, mean, invStd, batchStatistics, gradIn, gradGamma, gradBeta);
    ReferenceImageOps.batchNorm2dBackward(
        data(x, op, "x"),
        data(gradOut, op, "gradOut"),
        x.shape().dims(),
        data(gamma, op, "gamma"),
        data(mean, op, "mean"),
        data(invStd, op, "invStd"),
        batchStatistics,
        data(gradIn, op, "gradIn"),
        data(gradGamma, op, "gradGamma"),
        data(gradBeta, op, "gradBeta"),
        this::r);
  }
}
