package org.mtl4j.api.testing;

import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.MemoryStats;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * A float32 reference backend with one deliberate, realistic bug, for checking that {@link
 * ComputeBackendContract} catches it. {@link Bug#NONE} is the faithful wrapper (the control).
 */
final class MutantBackend implements ComputeBackend {

  /** The bug this instance has. */
  enum Bug {
    NONE,
    GEMM_BETA_ZERO_READS_C,
    GEMM_IGNORES_TRANS_B,
    BROADCAST_ROW_AS_COLUMN,
    SOFTMAX_WITHOUT_MAX_SUBTRACTION,
    TANH_BACKWARD_WRONG_SIGN,
    ARGMAX_LAST_TIE_WINS,
    LOSS_MEAN_OVER_ALL_ROWS,
    SCATTER_ADD_LAST_WRITE_WINS,
    DROPOUT_OTHER_RNG,
    SGD_IGNORES_NESTEROV,
    ADAM_WITHOUT_BIAS_CORRECTION,
    NONDETERMINISTIC_SUM,
    MESSAGE_WITHOUT_SHAPES,
    SHARED_SCRATCH_BUFFER,
    PERSISTENT_OWNED_BY_SCOPE,
    SCOPE_CLOSE_RELEASES_NOTHING,
    CONV_WEIGHT_GRAD_IGNORES_BETA,
    MAX_POOL_DROPS_INDICES
  }

  private final ReferenceBackend d = new ReferenceBackend(ReferenceBackend.Precision.FLOAT);
  private final Bug bug;
  private int sums;
  private float[] scratch;

  MutantBackend(Bug bug) {
    this.bug = bug;
  }

  @Override
  public String name() {
    return "mutant";
  }

  @Override
  public String deviceDescription() {
    return "reference with bug " + bug;
  }

  @Override
  public Tensor allocate(Shape shape) {
    return d.allocate(shape);
  }

  @Override
  public Tensor allocatePersistent(Shape shape) {
    return bug == Bug.PERSISTENT_OWNED_BY_SCOPE ? d.allocate(shape) : d.allocatePersistent(shape);
  }

  @Override
  public TensorScope openScope() {
    TensorScope s = d.openScope();
    if (bug != Bug.SCOPE_CLOSE_RELEASES_NOTHING) {
      return s;
    }
    return new TensorScope() {
      @Override
      public Tensor detach(Tensor tensor) {
        return s.detach(tensor);
      }

      @Override
      public int liveTensors() {
        return s.liveTensors();
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void upload(float[] src, Tensor dst) {
    d.upload(src, dst);
  }

  @Override
  public void download(Tensor src, float[] dst) {
    d.download(src, dst);
  }

  @Override
  public void fill(Tensor t, float value) {
    d.fill(t, value);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    d.copy(src, dst);
  }

  @Override
  public void copyColumns(Tensor src, int srcCol, Tensor dst, int dstCol, int count) {
    d.copyColumns(src, srcCol, dst, dstCol, count);
  }

  @Override
  public MemoryStats memoryStats() {
    return d.memoryStats();
  }

  @Override
  public void close() {
    d.close();
  }

  @Override
  public void gemm(
      boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
    if (bug == Bug.MESSAGE_WITHOUT_SHAPES) {
      int ka = transA ? a.shape().rows() : a.shape().cols();
      int kb = transB ? b.shape().cols() : b.shape().rows();
      if (ka != kb) {
        throw new IllegalArgumentException("gemm: inner dimensions differ");
      }
    }
    if (bug == Bug.GEMM_BETA_ZERO_READS_C && beta == 0f) {
      Tensor tmp = d.allocate(c.shape());
      d.gemm(transA, transB, alpha, a, b, 0f, tmp);
      d.affine(c, 0f, 0f, c); // 0 * NaN = NaN
      d.binary(BinaryOp.ADD, c, tmp, c);
      tmp.close();
      return;
    }
    if (bug == Bug.GEMM_IGNORES_TRANS_B && transB) {
      // reads b with the strides of the untransposed layout
      d.gemm(transA, transB, alpha, a, b, beta, c); // shape checks and the right answer ...
      float[] av = d.toHost(a);
      float[] bv = d.toHost(b);
      float[] cv = d.toHost(c);
      int m = c.shape().rows();
      int n = c.shape().cols();
      int k = transA ? a.shape().rows() : a.shape().cols();
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double sum = 0;
          for (int q = 0; q < k; q++) {
            sum += (transA ? av[q * m + i] : av[i * k + q]) * bv[q * n + j];
          }
          cv[i * n + j] = (float) (alpha * sum); // ... replaced by the wrong one (beta dropped)
        }
      }
      d.upload(cv, c);
      return;
    }
    d.gemm(transA, transB, alpha, a, b, beta, c);
  }

  @Override
  public void axpby(float alpha, Tensor x, float beta, Tensor y) {
    d.axpby(alpha, x, beta, y);
  }

  @Override
  public void affine(Tensor x, float scale, float shift, Tensor out) {
    d.affine(x, scale, shift, out);
  }

  @Override
  public double dot(Tensor a, Tensor b) {
    return d.dot(a, b);
  }

  @Override
  public double sumSquares(Tensor x) {
    return d.sumSquares(x);
  }

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    if (bug == Bug.BROADCAST_ROW_AS_COLUMN
        && b.shape().rows() == 1
        && a.shape().rows() > 1
        && b.shape().cols() == a.shape().cols()
        && b.shape().cols() > 1) {
      float[] av = d.toHost(a);
      float[] bv = d.toHost(b);
      int cols = a.shape().cols();
      float[] o = new float[av.length];
      for (int i = 0; i < o.length; i++) {
        o[i] = op.apply(av[i], bv[(i / cols) % cols]);
      }
      d.upload(o, out);
      return;
    }
    d.binary(op, a, b, out);
  }

  @Override
  public void unary(UnaryOp op, Tensor x, Tensor out) {
    d.unary(op, x, out);
  }

  @Override
  public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gradOut, Tensor gradIn) {
    if (bug == Bug.TANH_BACKWARD_WRONG_SIGN && op == UnaryOp.TANH) {
      float[] yv = d.toHost(y);
      float[] g = d.toHost(gradOut);
      for (int i = 0; i < g.length; i++) {
        g[i] = g[i] * (1 + yv[i] * yv[i]);
      }
      d.upload(g, gradIn);
      return;
    }
    d.unaryBackward(op, x, y, gradOut, gradIn);
  }

  @Override
  public void sumRows(Tensor x, Tensor out) {
    d.sumRows(x, out);
  }

  @Override
  public void sumCols(Tensor x, Tensor out) {
    d.sumCols(x, out);
  }

  @Override
  public void sumAll(Tensor x, Tensor out) {
    d.sumAll(x, out);
    if (bug == Bug.NONDETERMINISTIC_SUM && (sums++ % 2 == 1)) {
      float v = d.scalar(out);
      d.upload(new float[] {Math.nextUp(v)}, out);
    }
  }

  @Override
  public void argmaxRows(Tensor x, Tensor out) {
    if (bug != Bug.ARGMAX_LAST_TIE_WINS) {
      d.argmaxRows(x, out);
      return;
    }
    float[] v = d.toHost(x);
    int rows = x.shape().rows();
    int cols = x.shape().cols();
    float[] o = new float[rows];
    for (int i = 0; i < rows; i++) {
      int best = 0;
      for (int j = 1; j < cols; j++) {
        if (!(v[i * cols + j] < v[i * cols + best])) {
          best = j;
        }
      }
      o[i] = best;
    }
    d.upload(o, out);
  }

  @Override
  public void softmaxRows(Tensor x, Tensor out) {
    if (bug == Bug.SHARED_SCRATCH_BUFFER) {
      // one host buffer for every thread: a data race
      scratch = d.toHost(x);
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Tensor tmp = d.fromHost(x.shape(), scratch);
      d.softmaxRows(tmp, out);
      tmp.close();
      return;
    }
    if (bug != Bug.SOFTMAX_WITHOUT_MAX_SUBTRACTION) {
      d.softmaxRows(x, out);
      return;
    }
    Tensor s = d.allocate(Shape.column(x.shape().rows()));
    d.unary(UnaryOp.EXP, x, out);
    d.sumCols(out, s);
    d.binary(BinaryOp.DIV, out, s, out);
    s.close();
  }

  @Override
  public void logSoftmaxRows(Tensor x, Tensor out) {
    d.logSoftmaxRows(x, out);
  }

  private void rescaleByMaskedFraction(Tensor mask, Tensor loss, Tensor grad) {
    if (mask == null) {
      return;
    }
    float[] m = d.toHost(mask);
    double kept = 0;
    for (float v : m) {
      kept += v;
    }
    float f = (float) (Math.max(1, kept) / m.length);
    d.affine(loss, f, 0f, loss);
    if (grad != null) {
      d.affine(grad, f, 0f, grad);
    }
  }

  @Override
  public void softmaxCrossEntropy(
      Tensor logits, Tensor labels, Tensor mask, Tensor loss, Tensor gradLogits) {
    d.softmaxCrossEntropy(logits, labels, mask, loss, gradLogits);
    if (bug == Bug.LOSS_MEAN_OVER_ALL_ROWS) {
      rescaleByMaskedFraction(mask, loss, gradLogits);
    }
  }

  @Override
  public void bceWithLogits(
      Tensor logits, Tensor targets, Tensor mask, Tensor loss, Tensor gradLogits) {
    d.bceWithLogits(logits, targets, mask, loss, gradLogits);
  }

  @Override
  public void mse(Tensor p, Tensor t, Tensor mask, Tensor loss, Tensor grad) {
    d.mse(p, t, mask, loss, grad);
  }

  @Override
  public void gatherRows(Tensor table, Tensor indices, Tensor out) {
    d.gatherRows(table, indices, out);
  }

  @Override
  public void scatterAddRows(Tensor src, Tensor indices, Tensor table) {
    if (bug != Bug.SCATTER_ADD_LAST_WRITE_WINS) {
      d.scatterAddRows(src, indices, table);
      return;
    }
    float[] s = d.toHost(src);
    float[] idx = d.toHost(indices);
    float[] t = d.toHost(table);
    int cols = table.shape().cols();
    float[] before = t.clone();
    for (int i = 0; i < idx.length; i++) {
      int r = (int) idx[i];
      for (int j = 0; j < cols; j++) {
        t[r * cols + j] = before[r * cols + j] + s[i * cols + j];
      }
    }
    d.upload(t, table);
  }

  @Override
  public void dropoutMask(long seed, float p, Tensor mask) {
    if (bug != Bug.DROPOUT_OTHER_RNG) {
      d.dropoutMask(seed, p, mask);
      return;
    }
    // java.util.Random: a valid generator, but not the stream every backend must share
    // (SplittableRandom would not do: its stream is CounterRng's)
    java.util.Random r = new java.util.Random(seed);
    float[] m = new float[mask.shape().size()];
    for (int i = 0; i < m.length; i++) {
      m[i] = r.nextFloat() >= p ? 1f / (1f - p) : 0f;
    }
    d.upload(m, mask);
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
    d.sgdStep(
        param,
        grad,
        velocity,
        lr,
        momentum,
        weightDecay,
        bug != Bug.SGD_IGNORES_NESTEROV && nesterov);
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
    d.adamStep(
        param,
        grad,
        m,
        v,
        lr,
        beta1,
        beta2,
        eps,
        weightDecay,
        decoupled,
        bug == Bug.ADAM_WITHOUT_BIAS_CORRECTION ? 100_000 : step);
  }

  // image primitives

  @Override
  public void reshape(Tensor src, Tensor dst) {
    d.reshape(src, dst);
  }

  @Override
  public void conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
    d.conv2d(x, weight, bias, params, out);
  }

  @Override
  public void conv2dBackwardInput(
      Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradIn) {
    d.conv2dBackwardInput(gradOut, weight, params, gradIn);
  }

  @Override
  public void conv2dBackwardWeight(
      Tensor x,
      Tensor gradOut,
      Conv2dParams params,
      float beta,
      Tensor gradWeight,
      Tensor gradBias) {
    float b = bug == Bug.CONV_WEIGHT_GRAD_IGNORES_BETA ? 0f : beta;
    d.conv2dBackwardWeight(x, gradOut, params, b, gradWeight, gradBias);
  }

  @Override
  public void maxPool2d(Tensor x, Pool2dParams params, Tensor out, Tensor indices) {
    d.maxPool2d(x, params, out, bug == Bug.MAX_POOL_DROPS_INDICES ? null : indices);
  }

  @Override
  public void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
    d.maxPool2dBackward(gradOut, indices, gradIn);
  }

  @Override
  public void avgPool2d(Tensor x, Pool2dParams params, Tensor out) {
    d.avgPool2d(x, params, out);
  }

  @Override
  public void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradIn) {
    d.avgPool2dBackward(gradOut, params, gradIn);
  }

  @Override
  public void globalAvgPool2d(Tensor x, Tensor out) {
    d.globalAvgPool2d(x, out);
  }

  @Override
  public void globalAvgPool2dBackward(Tensor gradOut, Tensor gradIn) {
    d.globalAvgPool2dBackward(gradOut, gradIn);
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
    d.batchNorm2dTraining(
        x, gamma, beta, eps, momentum, runningMean, runningVar, out, saveMean, saveInvStd);
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
    d.batchNorm2dInference(x, gamma, beta, runningMean, runningVar, eps, out);
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
    d.batchNorm2dBackward(
        x, gradOut, gamma, mean, invStd, batchStatistics, gradIn, gradGamma, gradBeta);
  }
}
