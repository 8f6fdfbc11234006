package org.mtl4j.api.backend;

import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.mtl4j.api.backend.ImageShapeChecks.ConvGeometry;
import org.mtl4j.api.backend.ImageShapeChecks.PoolGeometry;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * The argument checks of every {@link ComputeBackend} operation, one method per operation named
 * after it, with the message every backend gives: {@link IllegalArgumentException} naming the
 * operation, the arguments and their shapes (built from the rules in {@link ShapeChecks} and {@link
 * ImageShapeChecks}).
 *
 * <p>A backend calls an operation's check after it has made sure the tensors are its own and open
 * ({@link TensorTracker#check}) and before it reads or writes anything; a backend that wraps
 * another one relies on the wrapped backend's checks. The element values an operation reads as
 * indices (embedding rows, class labels, max-pooling positions) live in backend memory, so the
 * backend reads them and checks each with {@link #rowIndices}, {@link #label} or {@link
 * ShapeChecks#index}.
 *
 * <p>Checks that pass build no strings and allocate nothing (the image checks return their
 * geometry); messages are built only on failure.
 */
public final class OpChecks {
  private OpChecks() {}

  // ---------------------------------------------------------------- memory

  /** {@link ComputeBackend#upload}: {@code src} holds exactly {@code dst}'s element count. */
  public static void upload(float[] src, Tensor dst) {
    if (src == null) {
      throw ShapeChecks.error("upload", "src is null");
    }
    if (src.length != dst.shape().size()) {
      throw ShapeChecks.error(
          "upload", src.length + " host values do not match dst " + dst.shape());
    }
  }

  /**
   * {@link ComputeBackend#uploadRows}: {@code src} and {@code rows} present, {@code rows} at least
   * as long as {@code dst} has rows, and every row index inside {@code src} (a row-major matrix
   * with {@code dst}'s column count).
   */
  public static void uploadRows(float[] src, int[] rows, Tensor dst) {
    String op = "uploadRows";
    if (src == null || rows == null || dst == null) {
      throw ShapeChecks.error(op, "src, rows and dst must not be null");
    }
    int n = dst.shape().rows();
    int d = dst.shape().cols();
    if (rows.length < n) {
      throw ShapeChecks.error(
          op, rows.length + " row indices for dst " + dst.shape() + ", expected at least " + n);
    }
    long available = d == 0 ? Long.MAX_VALUE : src.length / d;
    for (int i = 0; i < n; i++) {
      if (rows[i] < 0 || rows[i] >= available) {
        throw ShapeChecks.error(
            op,
            "row index "
                + rows[i]
                + " at position "
                + i
                + " is outside src's "
                + available
                + " rows of "
                + d
                + " values");
      }
    }
  }

  /** {@link ComputeBackend#download}: {@code dst} present and at least {@code src}'s size. */
  public static void download(Tensor src, float[] dst) {
    if (dst == null) {
      throw ShapeChecks.error("download", "dst is null");
    }
    if (dst.length < src.shape().size()) {
      throw ShapeChecks.error(
          "download", "host array of " + dst.length + " is too small for src " + src.shape());
    }
  }

  /** {@link ComputeBackend#copy}: the same matrix shape. */
  public static void copy(Tensor src, Tensor dst) {
    ShapeChecks.sameShape("copy", src, "src", dst, "dst");
  }

  /**
   * {@link ComputeBackend#copyColumns}: the same row count, and both column ranges inside their
   * tensors.
   */
  public static void copyColumns(Tensor src, int srcCol, Tensor dst, int dstCol, int count) {
    Shape s = src.shape();
    Shape d = dst.shape();
    boolean rowsDiffer = s.rows() != d.rows();
    if (rowsDiffer
        || count < 0
        || srcCol < 0
        || dstCol < 0
        || (long) srcCol + count > s.cols()
        || (long) dstCol + count > d.cols()) {
      throw ShapeChecks.error(
          "copyColumns",
          "src "
              + s
              + " cols ["
              + srcCol
              + ", "
              + (srcCol + count)
              + ") -> dst "
              + d
              + " cols ["
              + dstCol
              + ", "
              + (dstCol + count)
              + "): "
              + (rowsDiffer ? "row counts differ" : "column range out of bounds"));
    }
  }

  // ---------------------------------------------------------------- linear algebra

  /**
   * {@link ComputeBackend#gemm}: {@code op(a)} is {@code [m, k]}, {@code op(b)} is {@code [k, n]},
   * {@code c} is {@code [m, n]} and neither operand. Returns the inner dimension {@code k} ({@code
   * m} and {@code n} are {@code c}'s rows and columns).
   */
  public static int gemm(boolean transA, boolean transB, Tensor a, Tensor b, Tensor c) {
    Shape sa = a.shape();
    Shape sb = b.shape();
    Shape sc = c.shape();
    int m = transA ? sa.cols() : sa.rows();
    int ka = transA ? sa.rows() : sa.cols();
    int kb = transB ? sb.cols() : sb.rows();
    int n = transB ? sb.rows() : sb.cols();
    if (ka != kb || sc.rows() != m || sc.cols() != n || c == a || c == b) {
      String desc =
          "a "
              + sa
              + (transA ? "^T" : "")
              + " x b "
              + sb
              + (transB ? "^T" : "")
              + " -> c "
              + sc
              + ": ";
      if (ka != kb) {
        throw ShapeChecks.error("gemm", desc + "inner dimensions " + ka + " and " + kb + " differ");
      }
      if (sc.rows() != m || sc.cols() != n) {
        throw ShapeChecks.error("gemm", desc + "c must be [" + m + ", " + n + "]");
      }
      throw ShapeChecks.error("gemm", desc + "c must not be the same tensor as a or b");
    }
    return ka;
  }

  /** {@link ComputeBackend#axpby}: {@code x} and {@code y} of the same shape. */
  public static void axpby(Tensor x, Tensor y) {
    ShapeChecks.sameShape("axpby", x, "x", y, "y");
  }

  /** {@link ComputeBackend#affine}: {@code out} shaped like {@code x}. */
  public static void affine(Tensor x, Tensor out) {
    ShapeChecks.sameShape("affine", x, "x", out, "out");
  }

  /** {@link ComputeBackend#dot}: {@code a} and {@code b} of the same shape. */
  public static void dot(Tensor a, Tensor b) {
    ShapeChecks.sameShape("dot", a, "a", b, "b");
  }

  // ---------------------------------------------------------------- element-wise

  /**
   * {@link ComputeBackend#binary}: {@code op} present, {@code out} shaped like {@code a}, and
   * {@code b} {@code a}'s shape, a row, a column or a scalar; returns how {@code b} broadcasts (the
   * same-shape reading wins when several apply).
   */
  public static Broadcast binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    if (op == null) {
      throw ShapeChecks.error("binary", "op is null");
    }
    Shape sa = a.shape();
    Shape sb = b.shape();
    if (sa.sameMatrix(out.shape())) {
      if (sb.sameMatrix(sa)) {
        return Broadcast.SAME;
      }
      if (sb.rows() == 1 && sb.cols() == 1) {
        return Broadcast.SCALAR;
      }
      if (sb.rows() == 1 && sb.cols() == sa.cols()) {
        return Broadcast.ROW;
      }
      if (sb.cols() == 1 && sb.rows() == sa.rows()) {
        return Broadcast.COLUMN;
      }
    }
    String name = OpNames.binary(op);
    ShapeChecks.sameShape(name, a, "a", out, "out");
    throw ShapeChecks.error(
        name,
        "b "
            + sb
            + " cannot broadcast over a "
            + sa
            + " (expected "
            + sa
            + ", [1, "
            + sa.cols()
            + "], ["
            + sa.rows()
            + ", 1] or [1, 1])");
  }

  /** {@link ComputeBackend#unary}: {@code op} present, {@code out} shaped like {@code x}. */
  public static void unary(UnaryOp op, Tensor x, Tensor out) {
    if (op == null) {
      throw ShapeChecks.error("unary", "op is null");
    }
    ShapeChecks.sameShape(OpNames.unary(op), x, "x", out, "out");
  }

  /**
   * {@link ComputeBackend#unaryBackward}: {@code op} present; {@code y}, {@code gradOut} and {@code
   * gradIn} shaped like {@code x}.
   */
  public static void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gradOut, Tensor gradIn) {
    if (op == null) {
      throw ShapeChecks.error("unaryBackward", "op is null");
    }
    String name = OpNames.unaryBackward(op);
    ShapeChecks.sameShape(name, x, "x", y, "y");
    ShapeChecks.sameShape(name, x, "x", gradOut, "gradOut");
    ShapeChecks.sameShape(name, x, "x", gradIn, "gradIn");
  }

  // ---------------------------------------------------------------- reductions

  /** {@link ComputeBackend#sumRows}: {@code out} is {@code [1, cols of x]}. */
  public static void sumRows(Tensor x, Tensor out) {
    ShapeChecks.shapeIs("sumRows", out, "out", 1, x.shape().cols());
  }

  /** {@link ComputeBackend#sumCols}: {@code out} is {@code [rows of x, 1]}. */
  public static void sumCols(Tensor x, Tensor out) {
    ShapeChecks.shapeIs("sumCols", out, "out", x.shape().rows(), 1);
  }

  /** {@link ComputeBackend#sumAll}: {@code out} is {@code [1, 1]}. */
  public static void sumAll(Tensor x, Tensor out) {
    ShapeChecks.shapeIs("sumAll", out, "out", 1, 1);
  }

  /** {@link ComputeBackend#argmaxRows}: {@code out} is {@code [rows of x, 1]}. */
  public static void argmaxRows(Tensor x, Tensor out) {
    ShapeChecks.shapeIs("argmaxRows", out, "out", x.shape().rows(), 1);
  }

  /** {@link ComputeBackend#softmaxRows}: {@code out} shaped like {@code x}. */
  public static void softmaxRows(Tensor x, Tensor out) {
    ShapeChecks.sameShape("softmaxRows", x, "x", out, "out");
  }

  /** {@link ComputeBackend#logSoftmaxRows}: {@code out} shaped like {@code x}. */
  public static void logSoftmaxRows(Tensor x, Tensor out) {
    ShapeChecks.sameShape("logSoftmaxRows", x, "x", out, "out");
  }

  // ---------------------------------------------------------------- fused losses

  /**
   * The shapes of {@link ComputeBackend#softmaxCrossEntropy}: {@code labels} and {@code mask} (when
   * given) {@code [n, 1]}, {@code loss} {@code [1, 1]}, {@code gradLogits} (when given) shaped like
   * {@code logits}. The label values are checked by {@link #label}.
   */
  public static void softmaxCrossEntropy(
      Tensor logits, Tensor labels, Tensor mask, Tensor loss, Tensor gradLogits) {
    String op = "softmaxCrossEntropy";
    int n = logits.shape().rows();
    ShapeChecks.shapeIs(op, labels, "labels", n, 1);
    if (mask != null) {
      ShapeChecks.shapeIs(op, mask, "mask", n, 1);
    }
    ShapeChecks.shapeIs(op, loss, "loss", 1, 1);
    if (gradLogits != null) {
      ShapeChecks.sameShape(op, logits, "logits", gradLogits, "gradLogits");
    }
  }

  /**
   * The label of masked-in row {@code row} of {@link ComputeBackend#softmaxCrossEntropy}: an
   * integral value in {@code [0, classes)}; returns it as an index.
   */
  public static int label(int row, float value, int classes) {
    return ShapeChecks.index("softmaxCrossEntropy", row, value, classes);
  }

  /**
   * {@link ComputeBackend#bceWithLogits}: {@code targets} and {@code gradLogits} (when given)
   * shaped like {@code logits}, {@code mask} null, that shape or a {@code [n, 1]} column, {@code
   * loss} {@code [1, 1]}.
   */
  public static void bceWithLogits(
      Tensor logits, Tensor targets, Tensor mask, Tensor loss, Tensor gradLogits) {
    elementLoss("bceWithLogits", logits, "logits", targets, mask, loss, gradLogits, "gradLogits");
  }

  /** {@link ComputeBackend#mse}: shapes as for {@link #bceWithLogits}. */
  public static void mse(
      Tensor predictions, Tensor targets, Tensor mask, Tensor loss, Tensor gradPredictions) {
    elementLoss(
        "mse", predictions, "predictions", targets, mask, loss, gradPredictions, "gradPredictions");
  }

  private static void elementLoss(
      String op,
      Tensor x,
      String xName,
      Tensor targets,
      Tensor mask,
      Tensor loss,
      Tensor grad,
      String gradName) {
    ShapeChecks.sameShape(op, x, xName, targets, "targets");
    ShapeChecks.mask(op, x, mask);
    ShapeChecks.shapeIs(op, loss, "loss", 1, 1);
    if (grad != null) {
      ShapeChecks.sameShape(op, x, xName, grad, gradName);
    }
  }

  // ---------------------------------------------------------------- embeddings

  /**
   * The shapes of {@link ComputeBackend#gatherRows}: {@code indices} {@code [n, 1]}, {@code out}
   * {@code [n, table columns]}; returns n. The index values are checked by {@link #rowIndices}.
   */
  public static int gatherRows(Tensor table, Tensor indices, Tensor out) {
    int n = indices.shape().rows();
    ShapeChecks.shapeIs("gatherRows", indices, "indices", n, 1);
    ShapeChecks.shapeIs("gatherRows", out, "out", n, table.shape().cols());
    return n;
  }

  /**
   * The shapes of {@link ComputeBackend#scatterAddRows}: {@code indices} {@code [n, 1]}, {@code
   * src} {@code [n, table columns]}; returns n. The index values are checked by {@link
   * #rowIndices}.
   */
  public static int scatterAddRows(Tensor src, Tensor indices, Tensor table) {
    int n = indices.shape().rows();
    ShapeChecks.shapeIs("scatterAddRows", indices, "indices", n, 1);
    ShapeChecks.shapeIs("scatterAddRows", src, "src", n, table.shape().cols());
    return n;
  }

  /**
   * The {@code n} index values {@code value.applyAsDouble(i)} of {@code gatherRows} or {@code
   * scatterAddRows} ({@code op}) as rows of a table of {@code limit} rows, each an integral value
   * in {@code [0, limit)} ({@link ShapeChecks#index}), all read and checked before the operation
   * writes anything.
   */
  public static int[] rowIndices(String op, IntToDoubleFunction value, int n, int limit) {
    int[] rows = new int[n];
    for (int i = 0; i < n; i++) {
      rows[i] = ShapeChecks.index(op, i, (float) value.applyAsDouble(i), limit);
    }
    return rows;
  }

  // ---------------------------------------------------------------- randomness

  /** {@link ComputeBackend#dropoutMask}: {@code p} in {@code [0, 1)}. */
  public static void dropoutMask(float p) {
    ShapeChecks.probability("dropoutMask", p);
  }

  // ---------------------------------------------------------------- optimisers

  /**
   * {@link ComputeBackend#sgdStep}: {@code grad} shaped like {@code param}, and {@code velocity}
   * too when {@code momentum != 0} (it is not read otherwise).
   */
  public static void sgdStep(Tensor param, Tensor grad, Tensor velocity, float momentum) {
    ShapeChecks.sameShape("sgdStep", param, "param", grad, "grad");
    if (momentum != 0f) {
      ShapeChecks.sameShape("sgdStep", param, "param", velocity, "velocity");
    }
  }

  /**
   * {@link ComputeBackend#adamStep}: {@code grad}, {@code m} and {@code v} shaped like {@code
   * param}; {@code step >= 1}.
   */
  public static void adamStep(Tensor param, Tensor grad, Tensor m, Tensor v, int step) {
    String op = "adamStep";
    ShapeChecks.sameShape(op, param, "param", grad, "grad");
    ShapeChecks.sameShape(op, param, "param", m, "m");
    ShapeChecks.sameShape(op, param, "param", v, "v");
    adamStepNumber(op, step);
  }

  /**
   * {@link ComputeBackend#adamStepAll}: the four lists and the learning rates of one length, each
   * parameter's gradient and moments shaped like it (the message names the parameter's position),
   * {@code step >= 1}.
   */
  public static void adamStepAll(
      List<Tensor> params,
      List<Tensor> grads,
      List<Tensor> ms,
      List<Tensor> vs,
      float[] lrs,
      int step) {
    String op = "adamStepAll";
    int count = params.size();
    if (grads.size() != count || ms.size() != count || vs.size() != count || lrs.length != count) {
      throw ShapeChecks.error(
          op,
          "params, grads, ms, vs and lrs must have the same length, got "
              + count
              + ", "
              + grads.size()
              + ", "
              + ms.size()
              + ", "
              + vs.size()
              + ", "
              + lrs.length);
    }
    for (int i = 0; i < count; i++) {
      Tensor p = params.get(i);
      Tensor g = grads.get(i);
      Tensor m = ms.get(i);
      Tensor v = vs.get(i);
      if (p == null || g == null || m == null || v == null) {
        continue; // the backend's TensorTracker#check names the missing tensor
      }
      Shape s = p.shape();
      if (!s.sameMatrix(g.shape()) || !s.sameMatrix(m.shape()) || !s.sameMatrix(v.shape())) {
        String at = op + " parameter " + i;
        ShapeChecks.sameShape(at, p, "param", g, "grad");
        ShapeChecks.sameShape(at, p, "param", m, "m");
        ShapeChecks.sameShape(at, p, "param", v, "v");
      }
    }
    adamStepNumber(op, step);
  }

  private static void adamStepNumber(String op, int step) {
    if (step < 1) {
      throw ShapeChecks.error(op, "step must be >= 1, got " + step);
    }
  }

  // ---------------------------------------------------------------- images (NCHW)

  /** {@link ComputeBackend#reshape}: the same number of elements. */
  public static void reshape(Tensor src, Tensor dst) {
    if (src.shape().size() != dst.shape().size()) {
      throw ShapeChecks.error(
          "reshape",
          "src "
              + src.shape()
              + " has "
              + src.shape().size()
              + " elements but dst "
              + dst.shape()
              + " has "
              + dst.shape().size());
    }
  }

  /**
   * {@link ComputeBackend#conv2d}: the shapes of {@link ImageShapeChecks#conv}, {@code bias} null
   * or one value per output channel, {@code out} neither {@code x} nor {@code weight}.
   */
  public static ConvGeometry conv2d(
      Tensor x, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
    String op = "conv2d";
    ConvGeometry g = ImageShapeChecks.conv(op, x, "x", weight, "weight", out, "out", params);
    if (bias != null) {
      ImageShapeChecks.perChannel(op, bias, "bias", g.k());
    }
    if (out == x || out == weight) {
      throw ShapeChecks.error(op, "out must not be the same tensor as x or weight");
    }
    return g;
  }

  /**
   * {@link ComputeBackend#conv2dBackwardInput}: the shapes of the forward convolution of {@code
   * gradIn} giving {@code gradOut}; {@code gradIn} neither {@code gradOut} nor {@code weight}.
   */
  public static ConvGeometry conv2dBackwardInput(
      Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradIn) {
    String op = "conv2dBackwardInput";
    ConvGeometry g =
        ImageShapeChecks.conv(op, gradIn, "gradIn", weight, "weight", gradOut, "gradOut", params);
    if (gradIn == gradOut || gradIn == weight) {
      throw ShapeChecks.error(op, "gradIn must not be the same tensor as gradOut or weight");
    }
    return g;
  }

  /**
   * {@link ComputeBackend#conv2dBackwardWeight}: the shapes of the forward convolution of {@code x}
   * with {@code gradWeight} giving {@code gradOut}, {@code gradBias} null or one value per output
   * channel; the gradients are not {@code x}, {@code gradOut} or each other.
   */
  public static ConvGeometry conv2dBackwardWeight(
      Tensor x, Tensor gradOut, Conv2dParams params, Tensor gradWeight, Tensor gradBias) {
    String op = "conv2dBackwardWeight";
    ConvGeometry g =
        ImageShapeChecks.conv(op, x, "x", gradWeight, "gradWeight", gradOut, "gradOut", params);
    if (gradBias != null) {
      ImageShapeChecks.perChannel(op, gradBias, "gradBias", g.k());
    }
    if (gradWeight == x
        || gradWeight == gradOut
        || (gradBias != null && (gradBias == x || gradBias == gradOut || gradBias == gradWeight))) {
      throw ShapeChecks.error(op, "the gradients must not be the same tensors as x or gradOut");
    }
    return g;
  }

  /**
   * {@link ComputeBackend#maxPool2d}: the shapes of {@link ImageShapeChecks#pool}, an input plane
   * whose positions a float holds exactly, {@code indices} null or shaped like {@code out}; {@code
   * out} and {@code indices} distinct from {@code x} and each other.
   */
  public static PoolGeometry maxPool2d(Tensor x, Pool2dParams params, Tensor out, Tensor indices) {
    String op = "maxPool2d";
    PoolGeometry g = ImageShapeChecks.pool(op, x, "x", params, out, "out");
    ImageShapeChecks.planeIndexable(op, x, "x");
    if (indices != null) {
      ImageShapeChecks.dimsAre(op, indices, "indices", out.shape());
    }
    if (out == x || (indices != null && (indices == x || indices == out))) {
      throw ShapeChecks.error(op, "out and indices must not be the same tensor as x or each other");
    }
    return g;
  }

  /**
   * {@link ComputeBackend#maxPool2dBackward}: {@code gradOut} and {@code gradIn} NCHW with the same
   * {@code N} and {@code C}, {@code indices} shaped like {@code gradOut}, {@code gradIn} distinct
   * from both; returns {@code {N, C, H, W}} of {@code gradIn}. The index values are checked with
   * {@link ShapeChecks#index} by the backend that reads them.
   */
  public static int[] maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
    String op = "maxPool2dBackward";
    ImageShapeChecks.nchw(op, gradOut, "gradOut");
    ImageShapeChecks.nchw(op, gradIn, "gradIn");
    ImageShapeChecks.dimsAre(op, indices, "indices", gradOut.shape());
    Shape gi = gradIn.shape();
    Shape go = gradOut.shape();
    if (gi.dim(0) != go.dim(0) || gi.dim(1) != go.dim(1)) {
      throw ShapeChecks.error(
          op, "gradOut " + go + " and gradIn " + gi + " must have the same N and C");
    }
    ImageShapeChecks.planeIndexable(op, gradIn, "gradIn");
    if (gradIn == gradOut || gradIn == indices) {
      throw ShapeChecks.error(op, "gradIn must not be the same tensor as gradOut or indices");
    }
    return gi.dims();
  }

  /**
   * {@link ComputeBackend#avgPool2d}: the shapes of {@link ImageShapeChecks#pool}; {@code out} not
   * {@code x}.
   */
  public static PoolGeometry avgPool2d(Tensor x, Pool2dParams params, Tensor out) {
    PoolGeometry g = ImageShapeChecks.pool("avgPool2d", x, "x", params, out, "out");
    if (out == x) {
      throw ShapeChecks.error("avgPool2d", "out must not be the same tensor as x");
    }
    return g;
  }

  /**
   * {@link ComputeBackend#avgPool2dBackward}: the shapes of the forward pooling of {@code gradIn}
   * giving {@code gradOut}; {@code gradIn} not {@code gradOut}.
   */
  public static PoolGeometry avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradIn) {
    String op = "avgPool2dBackward";
    PoolGeometry g = ImageShapeChecks.pool(op, gradIn, "gradIn", params, gradOut, "gradOut");
    if (gradIn == gradOut) {
      throw ShapeChecks.error(op, "gradIn must not be the same tensor as gradOut");
    }
    return g;
  }

  /**
   * {@link ComputeBackend#globalAvgPool2d}: {@code x} NCHW, {@code out} {@code [N, C]}; returns
   * {@code {N, C, H, W}}.
   */
  public static int[] globalAvgPool2d(Tensor x, Tensor out) {
    return ImageShapeChecks.globalAvgPool("globalAvgPool2d", x, "x", out, "out");
  }

  /**
   * {@link ComputeBackend#globalAvgPool2dBackward}: {@code gradIn} NCHW, {@code gradOut} {@code [N,
   * C]}; returns {@code {N, C, H, W}}.
   */
  public static int[] globalAvgPool2dBackward(Tensor gradOut, Tensor gradIn) {
    return ImageShapeChecks.globalAvgPool(
        "globalAvgPool2dBackward", gradIn, "gradIn", gradOut, "gradOut");
  }

  /**
   * {@link ComputeBackend#batchNorm2dTraining}: {@code x} NCHW with at least two values per
   * channel, {@code out} shaped like it, the per-channel tensors one value per channel, the running
   * statistics both given or both null, {@code eps} positive and finite, {@code momentum} in {@code
   * [0, 1]}; returns {@code {N, C, H, W}}.
   */
  public static int[] batchNorm2dTraining(
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
    int[] d = batchNorm(op, x, out, "out", gamma, "gamma", beta, "beta");
    ImageShapeChecks.perChannel(op, saveMean, "saveMean", d[1]);
    ImageShapeChecks.perChannel(op, saveInvStd, "saveInvStd", d[1]);
    if ((runningMean == null) != (runningVar == null)) {
      throw ShapeChecks.error(op, "runningMean and runningVar must both be given or both be null");
    }
    if (runningMean != null) {
      ImageShapeChecks.perChannel(op, runningMean, "runningMean", d[1]);
      ImageShapeChecks.perChannel(op, runningVar, "runningVar", d[1]);
    }
    ImageShapeChecks.epsilon(op, eps);
    if (!(momentum >= 0f && momentum <= 1f)) {
      throw ShapeChecks.error(op, "momentum must be in [0, 1], got " + momentum);
    }
    if ((long) d[0] * d[2] * d[3] < 2) {
      throw ShapeChecks.error(
          op,
          "x "
              + x.shape()
              + " has one value per channel; batch statistics need at least 2 (N * H * W >= 2)");
    }
    return d;
  }

  /**
   * {@link ComputeBackend#batchNorm2dInference}: {@code x} NCHW, {@code out} shaped like it, the
   * per-channel tensors one value per channel, {@code eps} positive and finite; returns {@code {N,
   * C, H, W}}.
   */
  public static int[] batchNorm2dInference(
      Tensor x,
      Tensor gamma,
      Tensor beta,
      Tensor runningMean,
      Tensor runningVar,
      float eps,
      Tensor out) {
    String op = "batchNorm2dInference";
    int[] d = batchNorm(op, x, out, "out", gamma, "gamma", beta, "beta");
    ImageShapeChecks.perChannel(op, runningMean, "runningMean", d[1]);
    ImageShapeChecks.perChannel(op, runningVar, "runningVar", d[1]);
    ImageShapeChecks.epsilon(op, eps);
    return d;
  }

  /**
   * {@link ComputeBackend#batchNorm2dBackward}: {@code x} NCHW, {@code gradOut} and {@code gradIn}
   * (when given) shaped like it, the per-channel tensors one value per channel, and with batch
   * statistics {@code gradIn} not {@code x} (every input value is read after the first gradient is
   * written); returns {@code {N, C, H, W}}.
   */
  public static int[] batchNorm2dBackward(
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
    int[] d = batchNorm(op, x, gradOut, "gradOut", gamma, "gamma", mean, "mean");
    ImageShapeChecks.perChannel(op, invStd, "invStd", d[1]);
    if (gradIn != null) {
      ImageShapeChecks.dimsAre(op, gradIn, "gradIn", x.shape());
    }
    if (gradGamma != null) {
      ImageShapeChecks.perChannel(op, gradGamma, "gradGamma", d[1]);
    }
    if (gradBeta != null) {
      ImageShapeChecks.perChannel(op, gradBeta, "gradBeta", d[1]);
    }
    if (gradIn != null && gradIn == x && batchStatistics) {
      throw ShapeChecks.error(op, "gradIn must not be the same tensor as x");
    }
    return d;
  }

  /**
   * The checks the batch-norm operations share: {@code x} NCHW, {@code y} shaped like it, {@code a}
   * and {@code b} one value per channel; returns {@code {N, C, H, W}}.
   */
  private static int[] batchNorm(
      String op, Tensor x, Tensor y, String yName, Tensor a, String aName, Tensor b, String bName) {
    int[] d = ImageShapeChecks.image(op, x, "x");
    ImageShapeChecks.dimsAre(op, y, yName, x.shape());
    ImageShapeChecks.perChannel(op, a, aName, d[1]);
    ImageShapeChecks.perChannel(op, b, bName, d[1]);
    return d;
  }
}
