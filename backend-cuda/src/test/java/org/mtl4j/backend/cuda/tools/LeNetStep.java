package org.mtl4j.backend.cuda.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * The multi-task LeNet of Sener and Koltun, "Multi-Task Learning as Multi-Objective Optimization"
 * (NeurIPS 2018), on MultiFashion-sized inputs (1 x 36 x 36), written directly with the backend's
 * primitives so that it runs on any backend without the layer library: conv 5x5 1->10, ReLU, max
 * pool 2, conv 5x5 10->20, ReLU, max pool 2, flatten (720), shared fully connected 720->50 with
 * ReLU, and two 10-way softmax cross-entropy heads (left and right digit); loss = sum of both,
 * plain SGD. The same seed gives the same weights on every backend.
 */
public final class LeNetStep implements AutoCloseable {
  public static final int SIDE = 36;
  public static final int CLASSES = 10;
  private static final Conv2dParams CONV = Conv2dParams.DEFAULT;
  private static final Pool2dParams POOL = Pool2dParams.of(2);

  private final ComputeBackend b;
  private final List<Tensor> params = new ArrayList<>();
  private final List<Tensor> grads = new ArrayList<>();
  private final Tensor w1;
  private final Tensor b1;
  private final Tensor w2;
  private final Tensor b2;
  private final Tensor w3;
  private final Tensor b3;
  private final Tensor[] wt = new Tensor[2];
  private final Tensor[] bt = new Tensor[2];

  public LeNetStep(ComputeBackend backend, long seed) {
    this.b = backend;
    Random r = new Random(seed);
    w1 = param(Shape.of(10, 1, 5, 5), 25, r);
    b1 = param(Shape.row(10), 25, r);
    w2 = param(Shape.of(20, 10, 5, 5), 250, r);
    b2 = param(Shape.row(20), 250, r);
    w3 = param(Shape.matrix(720, 50), 720, r);
    b3 = param(Shape.row(50), 720, r);
    for (int t = 0; t < 2; t++) {
      wt[t] = param(Shape.matrix(50, CLASSES), 50, r);
      bt[t] = param(Shape.row(CLASSES), 50, r);
    }
  }

  /** PyTorch's default: uniform in +-1/sqrt(fan in). */
  private Tensor param(Shape s, int fanIn, Random r) {
    float[] v = new float[s.size()];
    double bound = 1 / Math.sqrt(fanIn);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
    }
    Tensor p = b.allocatePersistent(s);
    b.upload(v, p);
    params.add(p);
    grads.add(b.allocatePersistent(s));
    return p;
  }

  public List<Tensor> parameters() {
    return params;
  }

  /**
   * One step on {@code x} ({@code [B, 1, 36, 36]}) with labels {@code left} and {@code right}
   * ({@code [B, 1]}): forward, backward, SGD at {@code lr}. Returns the loss when {@code readLoss}
   * (else NaN, no device sync).
   */
  public float step(Tensor x, Tensor left, Tensor right, float lr, boolean readLoss) {
    int n = x.shape().dim(0);
    float loss = Float.NaN;
    try (TensorScope s = b.openScope()) {
      Shape s1 = Shape.of(n, 10, 32, 32);
      Shape q1 = Shape.of(n, 10, 16, 16);
      Shape s2 = Shape.of(n, 20, 12, 12);
      Shape q2 = Shape.of(n, 20, 6, 6);
      Tensor y1 = b.allocate(s1);
      Tensor a1 = b.allocate(s1);
      Tensor p1 = b.allocate(q1);
      Tensor i1 = b.allocate(q1);
      b.conv2d(x, w1, b1, CONV, y1);
      b.unary(UnaryOp.RELU, y1, a1);
      b.maxPool2d(a1, POOL, p1, i1);
      Tensor y2 = b.allocate(s2);
      Tensor a2 = b.allocate(s2);
      Tensor p2 = b.allocate(q2);
      Tensor i2 = b.allocate(q2);
      b.conv2d(p1, w2, b2, CONV, y2);
      b.unary(UnaryOp.RELU, y2, a2);
      b.maxPool2d(a2, POOL, p2, i2);
      Tensor f = b.allocate(Shape.matrix(n, 720));
      b.reshape(p2, f);
      Tensor h = b.allocate(Shape.matrix(n, 50));
      Tensor ha = b.allocate(Shape.matrix(n, 50));
      b.gemm(false, false, 1f, f, w3, 0f, h);
      b.binary(BinaryOp.ADD, h, b3, h);
      b.unary(UnaryOp.RELU, h, ha);
      Tensor gha = b.allocate(Shape.matrix(n, 50));
      Tensor total = b.zeros(Shape.matrix(1, 1));
      Tensor[] labels = {left, right};
      for (int t = 0; t < 2; t++) {
        Tensor z = b.allocate(Shape.matrix(n, CLASSES));
        Tensor gz = b.allocate(Shape.matrix(n, CLASSES));
        Tensor l = b.allocate(Shape.matrix(1, 1));
        b.gemm(false, false, 1f, ha, wt[t], 0f, z);
        b.binary(BinaryOp.ADD, z, bt[t], z);
        b.softmaxCrossEntropy(z, labels[t], null, l, gz);
        b.binary(BinaryOp.ADD, total, l, total);
        b.gemm(true, false, 1f, ha, gz, 0f, grad(wt[t]));
        b.sumRows(gz, grad(bt[t]));
        b.gemm(false, true, 1f, gz, wt[t], t == 0 ? 0f : 1f, gha);
      }
      Tensor gh = b.allocate(Shape.matrix(n, 50));
      b.unaryBackward(UnaryOp.RELU, h, ha, gha, gh);
      b.gemm(true, false, 1f, f, gh, 0f, grad(w3));
      b.sumRows(gh, grad(b3));
      Tensor gf = b.allocate(Shape.matrix(n, 720));
      b.gemm(false, true, 1f, gh, w3, 0f, gf);
      Tensor gp2 = b.allocate(q2);
      b.reshape(gf, gp2);
      Tensor ga2 = b.allocate(s2);
      Tensor gy2 = b.allocate(s2);
      b.maxPool2dBackward(gp2, i2, ga2);
      b.unaryBackward(UnaryOp.RELU, y2, a2, ga2, gy2);
      b.conv2dBackwardWeight(p1, gy2, CONV, 0f, grad(w2), grad(b2));
      Tensor gp1 = b.allocate(q1);
      b.conv2dBackwardInput(gy2, w2, CONV, gp1);
      Tensor ga1 = b.allocate(s1);
      Tensor gy1 = b.allocate(s1);
      b.maxPool2dBackward(gp1, i1, ga1);
      b.unaryBackward(UnaryOp.RELU, y1, a1, ga1, gy1);
      b.conv2dBackwardWeight(x, gy1, CONV, 0f, grad(w1), grad(b1));
      if (readLoss) {
        loss = b.scalar(total);
      }
    }
    for (int i = 0; i < params.size(); i++) {
      b.sgdStep(params.get(i), grads.get(i), null, lr, 0f, 0f, false);
    }
    return loss;
  }

  private Tensor grad(Tensor p) {
    return grads.get(params.indexOf(p));
  }

  @Override
  public void close() {
    for (Tensor t : params) {
      t.close();
    }
    for (Tensor t : grads) {
      t.close();
    }
  }
}
