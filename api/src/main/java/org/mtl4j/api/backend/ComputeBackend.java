package org.mtl4j.api.backend;

import java.util.List;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

/**
 * The primitive set every mtl4j backend implements: float32 tensors on one device and the
 * operations a multi-task training step is written in. Autograd, layers, strategies, weighting
 * methods and optimisers are built from these, so a new backend gets all of them for free.
 *
 * <h2>Conventions</h2>
 *
 * <ul>
 *   <li>Every tensor is viewed as a row-major {@code rows x cols} matrix ({@link Shape#rows()},
 *       {@link Shape#cols()}).
 *   <li>Operations write into an output tensor the caller allocated. Element-wise operations allow
 *       the output to be the same tensor as an input; {@link #gemm} does not.
 *   <li>Broadcasting ({@link #binary}): the second operand {@code b} has the shape of {@code a}, or
 *       is a {@code [1, cols]} row vector, a {@code [rows, 1]} column vector, or a {@code [1, 1]}
 *       scalar. The same-shape reading wins when several apply.
 *   <li>Masks are 0/1 float tensors; a masked-out row contributes nothing to a loss or its
 *       gradient, whatever its label holds. Losses are means over the masked-in elements; with no
 *       masked-in element the loss and the gradient are 0.
 *   <li>Misuse (shapes that do not conform, a closed tensor, a tensor of another backend) throws
 *       {@link IllegalArgumentException} or {@link IllegalStateException} with a message naming the
 *       operation and the shapes. {@link OpChecks} has one check per operation that produces these
 *       messages.
 *   <li>Image primitives (convolution, pooling, batch normalisation) take rank-4 tensors in NCHW
 *       layout: {@code [batch, channels, height, width]}, row-major, so a pixel's neighbours along
 *       a row are adjacent in memory. Their shape rules and messages are in {@link
 *       ImageShapeChecks}; {@link #reshape} turns an image batch into the {@code [N, C*H*W]} matrix
 *       the other primitives see.
 *   <li>IEEE semantics: NaN and Inf propagate through every operation as the scalar formula in
 *       {@link BinaryOp#apply} and {@link UnaryOp#apply} says.
 *   <li>A backend may be used from several threads at once; scopes are per thread. A tensor must
 *       not be written by one thread while another uses it.
 * </ul>
 *
 * <p>{@code org.mtl4j.api.testing.ComputeBackendContract} (api test-jar) checks all of this against
 * a plain-Java reference implementation with double accumulation.
 */
public interface ComputeBackend extends AutoCloseable {

  /** The provider name of this backend, e.g. {@code cpu}. */
  String name();

  /** One line on the device, e.g. "CPU (2 threads, OpenBLAS 0.3.21)". */
  String deviceDescription();

  // ---------------------------------------------------------------- memory

  /**
   * A tensor with unspecified contents, owned by this thread's innermost open scope or, when none
   * is open, by the caller (who must close it).
   */
  Tensor allocate(Shape shape);

  /**
   * A tensor with unspecified contents that belongs to the caller even while scopes are open on
   * this thread: for parameters, optimiser state and anything else that outlives a step. The caller
   * closes it (closing the backend also does).
   */
  Tensor allocatePersistent(Shape shape);

  /** Opens a scope on the calling thread; see {@link TensorScope}. */
  TensorScope openScope();

  /** Copies {@code src} (row-major, exactly {@code dst.shape().size()} values) into {@code dst}. */
  void upload(float[] src, Tensor dst);

  /**
   * Gathers host rows into {@code dst}: row {@code i} of {@code dst} becomes row {@code rows[i]} of
   * {@code src}, a row-major host matrix with {@code dst}'s column count, for every row of {@code
   * dst}. Assembles a mini-batch from a data set held in host memory in one call. The default
   * gathers into a temporary host array and {@link #upload}s it; backends override it to gather
   * straight into their own memory.
   *
   * @throws IllegalArgumentException when {@code rows} is shorter than {@code dst}'s row count or
   *     names a row that {@code src} does not have
   */
  default void uploadRows(float[] src, int[] rows, Tensor dst) {
    OpChecks.uploadRows(src, rows, dst);
    int n = dst.shape().rows();
    int d = dst.shape().cols();
    float[] staging = new float[n * d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(src, rows[i] * d, staging, i * d, d);
    }
    upload(staging, dst);
  }

  /** Copies {@code src} into {@code dst} (row-major; {@code dst.length >= src.shape().size()}). */
  void download(Tensor src, float[] dst);

  /** Sets every element to {@code value}. */
  void fill(Tensor t, float value);

  /** Copies all elements of {@code src} into {@code dst}, which has the same matrix shape. */
  void copy(Tensor src, Tensor dst);

  /**
   * Copies a block of {@code count} columns, {@code dst[:, dstCol + j] = src[:, srcCol + j]}, for
   * slicing and concatenation along columns. Both tensors have the same number of rows.
   */
  void copyColumns(Tensor src, int srcCol, Tensor dst, int dstCol, int count);

  /** Native memory accounting, for the steady-state tests and the benchmarks. */
  MemoryStats memoryStats();

  /** Waits for queued device work to finish (a no-op on synchronous backends). */
  default void synchronize() {}

  /** Releases every tensor this backend still owns and its native resources. */
  @Override
  void close();

  // ---------------------------------------------------------------- linear algebra

  /**
   * General matrix multiply {@code c = alpha * op(a) * op(b) + beta * c}, where {@code op} is the
   * transpose when the flag is set. With {@code beta == 0} the prior contents of {@code c} are
   * ignored (even NaN). {@code c} must not be {@code a} or {@code b}.
   */
  void gemm(boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c);

  /** {@code y = alpha * x + beta * y}, same shapes. With {@code beta == 0} {@code y} is ignored. */
  void axpby(float alpha, Tensor x, float beta, Tensor y);

  /** {@code out = scale * x + shift}, element-wise. */
  void affine(Tensor x, float scale, float shift, Tensor out);

  /** Sum over all elements of {@code a * b} (same shapes), accumulated in at least float32. */
  double dot(Tensor a, Tensor b);

  /** Sum of squares of all elements (the squared L2 norm). */
  double sumSquares(Tensor x);

  // ---------------------------------------------------------------- element-wise

  /** {@code out = a (op) b} with {@code b} broadcast as described in the class comment. */
  void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

  /** {@code out = f(x)}. */
  void unary(UnaryOp op, Tensor x, Tensor out);

  /**
   * {@code gradIn = gradOut * f'(x)}, where {@code y = f(x)} is the forward output (backends may
   * use either; see {@link UnaryOp#derivative}).
   */
  void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gradOut, Tensor gradIn);

  // ---------------------------------------------------------------- reductions

  /**
   * Adds all rows together: {@code out[0, j] = sum_i x[i, j]}; {@code out} is {@code [1, cols]}.
   */
  void sumRows(Tensor x, Tensor out);

  /**
   * Adds all columns together: {@code out[i, 0] = sum_j x[i, j]}; {@code out} is {@code [rows, 1]}.
   */
  void sumCols(Tensor x, Tensor out);

  /** {@code out[0, 0] = sum of all elements}; {@code out} is {@code [1, 1]}. */
  void sumAll(Tensor x, Tensor out);

  /**
   * Index of the largest element of each row, as a float, into the {@code [rows, 1]} tensor {@code
   * out}. Ties go to the lowest index; a NaN counts as larger than any number (the first NaN wins).
   */
  void argmaxRows(Tensor x, Tensor out);

  /** Row-wise softmax, computed stably (max subtracted). */
  void softmaxRows(Tensor x, Tensor out);

  /** Row-wise log-softmax, computed stably. */
  void logSoftmaxRows(Tensor x, Tensor out);

  // ---------------------------------------------------------------- fused losses

  /**
   * Softmax cross-entropy of {@code logits [n, k]} against class indices {@code labels [n, 1]}
   * (stored as floats), averaged over rows whose {@code mask [n, 1]} is 1 ({@code mask == null}:
   * all rows). Writes the mean into {@code loss [1, 1]} and, when {@code gradLogits} is not null,
   * {@code d loss / d logits} into it. Labels of masked-in rows must lie in {@code [0, k)}; labels
   * of masked-out rows are ignored.
   */
  void softmaxCrossEntropy(
      Tensor logits, Tensor labels, Tensor mask, Tensor loss, Tensor gradLogits);

  /**
   * Binary cross-entropy with logits, {@code max(z,0) - z*t + log(1 + exp(-|z|))}, averaged over
   * the masked-in elements. {@code targets} has the shape of {@code logits}; {@code mask} is null,
   * the same shape, or a {@code [n, 1]} column applying to every column of a row.
   */
  void bceWithLogits(Tensor logits, Tensor targets, Tensor mask, Tensor loss, Tensor gradLogits);

  /** Mean squared error {@code (p - t)^2} averaged over masked-in elements; masks as for BCE. */
  void mse(Tensor predictions, Tensor targets, Tensor mask, Tensor loss, Tensor gradPredictions);

  // ---------------------------------------------------------------- embeddings

  /**
   * {@code out[i, :] = table[indices[i], :]}; {@code indices} is {@code [n, 1]} of integral floats
   * in {@code [0, table.rows)}, else {@link IllegalArgumentException} naming the row and the index.
   */
  void gatherRows(Tensor table, Tensor indices, Tensor out);

  /** {@code table[indices[i], :] += src[i, :]} for every i, with repeated indices summed. */
  void scatterAddRows(Tensor src, Tensor indices, Tensor table);

  // ---------------------------------------------------------------- randomness

  /**
   * Inverted-dropout mask: element {@code i} is {@code 1/(1-p)} when {@link
   * CounterRng#uniform(long, long) CounterRng.uniform(seed, i)} {@code >= p}, else 0. Every backend
   * produces the same mask for the same seed.
   */
  void dropoutMask(long seed, float p, Tensor mask);

  // ---------------------------------------------------------------- optimisers

  /**
   * One SGD step with PyTorch's semantics: {@code g = grad + weightDecay * param}; with momentum,
   * {@code v = momentum * v + g} and {@code g = nesterov ? g + momentum * v : v}; then {@code param
   * -= lr * g}. {@code velocity} may be null when {@code momentum == 0}.
   */
  void sgdStep(
      Tensor param,
      Tensor grad,
      Tensor velocity,
      float lr,
      float momentum,
      float weightDecay,
      boolean nesterov);

  /**
   * One Adam (Kingma and Ba 2015) or AdamW (Loshchilov and Hutter 2019) step with PyTorch's
   * semantics and bias correction for step {@code step >= 1}. With {@code decoupled} the weight
   * decay multiplies the parameter by {@code 1 - lr * weightDecay} (AdamW); otherwise it is added
   * to the gradient (Adam with L2).
   */
  void adamStep(
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
      int step);

  /**
   * {@link #adamStep} over a whole parameter list with shared hyper-parameters and one learning
   * rate per parameter ({@code lrs.length == params.size()}). Backends may fuse this into one
   * launch; the default loops.
   */
  default void adamStepAll(
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
    OpChecks.adamStepAll(params, grads, ms, vs, lrs, step);
    for (int i = 0; i < params.size(); i++) {
      adamStep(
          params.get(i),
          grads.get(i),
          ms.get(i),
          vs.get(i),
          lrs[i],
          beta1,
          beta2,
          eps,
          weightDecay,
          decoupled,
          step);
    }
  }

  // ---------------------------------------------------------------- images (NCHW)
  //
  // Convolutional networks: LeCun et al., "Gradient-based learning applied to document
  // recognition", Proc. IEEE 1998 (convolution and subsampling); Ioffe and Szegedy, "Batch
  // normalization", ICML 2015; He et al., "Deep residual learning for image recognition", CVPR
  // 2016 (global average pooling and batch norm after every convolution).

  /**
   * Copies all elements of {@code src} into {@code dst} in row-major order, where {@code dst} has
   * the same number of elements in any shape: how an image batch {@code [N, C, H, W]} becomes the
   * {@code [N, C*H*W]} matrix a fully connected layer reads, and back.
   */
  void reshape(Tensor src, Tensor dst);

  /**
   * 2-D convolution (cross-correlation, as in every deep-learning library) of a batch of images.
   *
   * <p>{@code x} is {@code [N, C, H, W]}, {@code weight} is {@code [K, C, kH, kW]} (output channel,
   * input channel, kernel row, kernel column), {@code bias} is null or holds {@code K} values
   * ({@code [K]} or {@code [1, K]}), and {@code out} is {@code [N, K, OH, OW]} with {@code OH, OW}
   * as {@link Conv2dParams#outputHeight} and {@link Conv2dParams#outputWidth} give. Positions
   * outside the image read as zero:
   *
   * <pre>
   * out[n,k,oy,ox] = bias[k] + sum_{c,i,j} weight[k,c,i,j]
   *                  * x[n, c, oy*strideH - padH + i*dilationH, ox*strideW - padW + j*dilationW]
   * </pre>
   *
   * {@code out} must not be {@code x} or {@code weight}. Shapes are checked by {@link
   * OpChecks#conv2d}.
   */
  void conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params, Tensor out);

  /**
   * The gradient of {@link #conv2d} with respect to its input: {@code gradIn = d loss / d x} for
   * {@code gradOut = d loss / d out}, overwriting {@code gradIn} ({@code [N, C, H, W]}, the shape
   * of the forward input, which fixes {@code H, W} where a stride leaves input rows unread: those
   * get zero). {@code weight} is {@code [K, C, kH, kW]}; {@code gradOut} is {@code [N, K, OH, OW]}.
   * This is the transposed convolution of {@code gradOut} with {@code weight}.
   */
  void conv2dBackwardInput(Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradIn);

  /**
   * The gradients of {@link #conv2d} with respect to its weight and bias:
   *
   * <pre>
   * gradWeight = beta * gradWeight + sum_{n,oy,ox} gradOut[n,k,oy,ox] * x[n,c,iy,ix]
   * gradBias   = beta * gradBias   + sum_{n,oy,ox} gradOut[n,k,oy,ox]
   * </pre>
   *
   * with {@code iy, ix} as in {@link #conv2d}. With {@code beta == 0} the prior contents are
   * ignored (even NaN); {@code beta == 1} accumulates into a parameter's gradient. {@code gradBias}
   * may be null (a convolution without bias).
   */
  void conv2dBackwardWeight(
      Tensor x,
      Tensor gradOut,
      Conv2dParams params,
      float beta,
      Tensor gradWeight,
      Tensor gradBias);

  /**
   * Max pooling of {@code x [N, C, H, W]} into {@code out [N, C, OH, OW]} over the windows of
   * {@code params} (padded positions are never the maximum). When {@code indices} (the shape of
   * {@code out}) is not null it receives, as a float, the position {@code iy * W + ix} within its
   * {@code H x W} input plane of the element each output took, for {@link #maxPool2dBackward}.
   * Windows are scanned row by row; ties go to the first element scanned, and a NaN counts as
   * larger than any number (the first NaN wins), so NaN propagates as in PyTorch.
   */
  void maxPool2d(Tensor x, Pool2dParams params, Tensor out, Tensor indices);

  /**
   * The gradient of {@link #maxPool2d}: {@code gradIn} ({@code [N, C, H, W]}) is overwritten with
   * zeros and {@code gradOut[n,c,oy,ox]} is added at the recorded position {@code
   * indices[n,c,oy,ox]} of plane {@code (n, c)}; positions chosen by several overlapping windows
   * receive the sum. An index that is not an integer in {@code [0, H*W)} is an {@link
   * IllegalArgumentException}.
   */
  void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn);

  /**
   * Average pooling of {@code x [N, C, H, W]} into {@code out [N, C, OH, OW]}: each output is the
   * sum of its window divided by {@code kernelH * kernelW}, padded positions counting as zeros
   * (PyTorch's {@code avg_pool2d} defaults).
   */
  void avgPool2d(Tensor x, Pool2dParams params, Tensor out);

  /**
   * The gradient of {@link #avgPool2d}: {@code gradIn} ({@code [N, C, H, W]}) is overwritten with
   * the sum, over the windows that cover each position, of {@code gradOut / (kernelH * kernelW)}.
   */
  void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradIn);

  /**
   * Global average pooling (Lin, Chen and Yan, "Network in network", 2014; the head of He et al.'s
   * ResNets): {@code out[n, c] = mean_{y,x} x[n, c, y, x]}, {@code x} {@code [N, C, H, W]} and
   * {@code out} {@code [N, C]}.
   */
  void globalAvgPool2d(Tensor x, Tensor out);

  /**
   * The gradient of {@link #globalAvgPool2d}: {@code gradIn[n,c,y,x] = gradOut[n,c] / (H * W)},
   * {@code gradOut} {@code [N, C]} and {@code gradIn} {@code [N, C, H, W]} (overwritten).
   */
  void globalAvgPool2dBackward(Tensor gradOut, Tensor gradIn);

  /**
   * Batch normalisation in training mode (Ioffe and Szegedy 2015), per channel over the batch and
   * both spatial axes ({@code m = N * H * W} values per channel, at least 2):
   *
   * <pre>
   * mean[c]   = (1/m) sum_{n,y,x} x[n,c,y,x]
   * var[c]    = (1/m) sum_{n,y,x} (x[n,c,y,x] - mean[c])^2          (biased)
   * invStd[c] = 1 / sqrt(var[c] + eps)
   * out       = gamma[c] * (x - mean[c]) * invStd[c] + beta[c]
   * </pre>
   *
   * {@code saveMean} and {@code saveInvStd} receive {@code mean} and {@code invStd} for {@link
   * #batchNorm2dBackward}. When {@code runningMean} and {@code runningVar} are not null (both or
   * neither) they are updated as PyTorch does, with the unbiased variance: {@code runningMean = (1
   * - momentum) * runningMean + momentum * mean} and {@code runningVar = (1 - momentum) *
   * runningVar + momentum * var * m / (m - 1)}. {@code x} and {@code out} are {@code [N, C, H, W]}
   * ({@code out} may be {@code x}); {@code gamma}, {@code beta}, the running and the saved
   * statistics hold one value per channel ({@code [C]} or {@code [1, C]}).
   */
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
      Tensor saveInvStd);

  /**
   * Batch normalisation in evaluation mode with fixed statistics: {@code out = gamma[c] * (x -
   * runningMean[c]) / sqrt(runningVar[c] + eps) + beta[c]}. Shapes as in {@link
   * #batchNorm2dTraining}; {@code out} may be {@code x}.
   */
  void batchNorm2dInference(
      Tensor x,
      Tensor gamma,
      Tensor beta,
      Tensor runningMean,
      Tensor runningVar,
      float eps,
      Tensor out);

  /**
   * The gradients of batch normalisation, given the statistics the forward pass used ({@code mean}
   * and {@code invStd}: the saved batch statistics, or the running mean and {@code 1 /
   * sqrt(runningVar + eps)} in evaluation mode). With {@code xHat = (x - mean[c]) * invStd[c]} and
   * sums over {@code n, y, x} per channel:
   *
   * <pre>
   * gradGamma[c] = sum gradOut * xHat
   * gradBeta[c]  = sum gradOut
   * gradIn       = gamma[c] * invStd[c] / m * (m * gradOut - gradBeta[c] - xHat * gradGamma[c])
   *                                                      (batchStatistics: Ioffe and Szegedy)
   * gradIn       = gamma[c] * invStd[c] * gradOut        (fixed statistics)
   * </pre>
   *
   * Every output is overwritten; any of {@code gradIn}, {@code gradGamma}, {@code gradBeta} may be
   * null when not wanted.
   */
  void batchNorm2dBackward(
      Tensor x,
      Tensor gradOut,
      Tensor gamma,
      Tensor mean,
      Tensor invStd,
      boolean batchStatistics,
      Tensor gradIn,
      Tensor gradGamma,
      Tensor gradBeta);

  // ---------------------------------------------------------------- conveniences

  /** A tensor holding a copy of {@code data}, owned like {@link #allocate}. */
  default Tensor fromHost(Shape shape, float[] data) {
    if (data.length != shape.size()) {
      throw new IllegalArgumentException(
          "fromHost: " + data.length + " values do not fill shape " + shape);
    }
    Tensor t = allocate(shape);
    upload(data, t);
    return t;
  }

  /** A persistent tensor (see {@link #allocatePersistent}) holding a copy of {@code data}. */
  default Tensor persistentFromHost(Shape shape, float[] data) {
    if (data.length != shape.size()) {
      throw new IllegalArgumentException(
          "persistentFromHost: " + data.length + " values do not fill shape " + shape);
    }
    Tensor t = allocatePersistent(shape);
    upload(data, t);
    return t;
  }

  /** A zero-filled persistent tensor (see {@link #allocatePersistent}). */
  default Tensor persistentZeros(Shape shape) {
    Tensor t = allocatePersistent(shape);
    fill(t, 0f);
    return t;
  }

  /** A zero-filled tensor, owned like {@link #allocate}. */
  default Tensor zeros(Shape shape) {
    Tensor t = allocate(shape);
    fill(t, 0f);
    return t;
  }

  /** A new host array with the contents of {@code t}. */
  default float[] toHost(Tensor t) {
    float[] out = new float[t.shape().size()];
    download(t, out);
    return out;
  }

  /** The single value of a {@code [1, 1]} tensor. */
  default float scalar(Tensor t) {
    if (t.shape().size() != 1) {
      throw new IllegalArgumentException(
          "scalar: tensor " + t.shape() + " has more than one value");
    }
    float[] one = new float[1];
    download(t, one);
    return one[0];
  }
}
