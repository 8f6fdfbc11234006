package org.mtl4j.trainer.export;

import static org.mtl4j.trainer.export.OnnxGraphBuilder.attr;
import static org.mtl4j.trainer.export.OnnxGraphBuilder.ints;
import static org.mtl4j.trainer.export.OnnxGraphBuilder.names;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.MemoryStats;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.trainer.export.onnx.OnnxModel.AttributeProto;

/**
 * A {@link ComputeBackend} that runs every primitive on the backend it wraps and records it as ONNX
 * nodes: a network's forward pass in EVAL mode, run through an autograd {@code Graph} on this
 * backend, becomes an ONNX graph. Because it sees the primitives every layer and strategy is made
 * of (matrix products, element-wise and row operations, column slices, embedding lookups), any
 * sharing strategy exports without code of its own.
 *
 * <p>Each tensor's current value has a name in the ONNX graph; a primitive that writes a tensor
 * gives it a new name (tensors are mutable, ONNX values are not). A tensor the trace never wrote (a
 * parameter, an embedding table) becomes an initialiser holding its current values. Writes to
 * column ranges of a fresh tensor (concatenation) are gathered and materialised as one {@code
 * Concat} when the tensor is read. The batch dimension is traced with {@link #TRACE_ROWS} rows;
 * {@code fill} of a batch-sized tensor becomes a constant row expanded to the batch. Primitives
 * that only training uses (losses, gradients, optimiser steps, dropout masks, batch statistics) are
 * refused.
 *
 * <p>Image primitives (NCHW) map to the ONNX operators of the same definition: {@code Conv} (pads,
 * strides, dilations, one group), {@code MaxPool}, {@code AveragePool} with {@code
 * count_include_pad=1}, {@code GlobalAveragePool} flattened to {@code [N, C]}, {@code
 * BatchNormalization} from the running statistics, and {@code Reshape} with the batch dimension
 * kept symbolic. Max pooling lets NaN win as the backends do (ONNX Runtime's {@code MaxPool} skips
 * it): windows holding a NaN are found with a max-pooled {@code IsNaN} mask. The arg-max positions
 * {@code maxPool2d} may write are for its gradient only; a traced primitive that reads them is
 * refused.
 */
final class TracingBackend implements ComputeBackend {
  /** Rows of the traced batch: distinct from 1 so that broadcasting stays visible. */
  static final int TRACE_ROWS = 3;

  private final ComputeBackend delegate;
  private final OnnxGraphBuilder onnx;
  private final Map<Tensor, String> parameterNames;
  private final Map<Tensor, String> names = new IdentityHashMap<>();
  private final Map<Tensor, TreeMap<Integer, Piece>> pieces = new IdentityHashMap<>();

  /** Tensors whose current contents have no ONNX value, with the primitive that wrote them. */
  private final Map<Tensor, String> untraceable = new IdentityHashMap<>();

  private String batchRows;

  private record Piece(String name, int count) {}

  /**
   * @param parameterNames names of the network's parameters, for their initialisers
   */
  TracingBackend(
      ComputeBackend delegate, OnnxGraphBuilder onnx, Map<Tensor, String> parameterNames) {
    this.delegate = delegate;
    this.onnx = onnx;
    this.parameterNames = parameterNames;
  }

  /**
   * Declares {@code t} to hold the graph value {@code name} (the network input).
   *
   * @param batchSource a value whose first dimension is the batch size
   */
  void bind(Tensor t, String name, String batchSource) {
    names.put(t, name);
    batchRows =
        onnx.node(
            "Slice", names(onnx.node("Shape", names(batchSource)), onnx.longs(0), onnx.longs(1)));
  }

  /** The graph value a tensor holds now (an initialiser when the trace never wrote it). */
  String value(Tensor t) {
    String writer = untraceable.get(t);
    if (writer != null) {
      throw new UnsupportedOperationException(
          "a tensor "
              + t.shape()
              + " written by "
              + writer
              + " is read by the forward pass; it cannot be exported");
    }
    TreeMap<Integer, Piece> parts = pieces.remove(t);
    if (parts != null) {
      materialise(t, parts);
    }
    String name = names.get(t);
    if (name == null) {
      Shape s = t.shape();
      String stem = parameterNames.getOrDefault(t, "constant").replaceAll("[^A-Za-z0-9_.]", "_");
      name = onnx.floats(stem, dims(s), delegate.toHost(t));
      names.put(t, name);
    }
    return name;
  }

  private void materialise(Tensor t, TreeMap<Integer, Piece> parts) {
    int cols = t.shape().cols();
    String base = names.get(t);
    List<String> inputs = new java.util.ArrayList<>();
    int col = 0;
    for (Map.Entry<Integer, Piece> e : parts.entrySet()) {
      if (e.getKey() > col) {
        inputs.add(slice(requireBase(base, t), col, e.getKey()));
      }
      inputs.add(e.getValue().name());
      col = e.getKey() + e.getValue().count();
    }
    if (col < cols) {
      inputs.add(slice(requireBase(base, t), col, cols));
    }
    names.put(
        t, inputs.size() == 1 ? inputs.get(0) : onnx.node("Concat", inputs, attr("axis", 1L)));
  }

  private static String requireBase(String base, Tensor t) {
    if (base == null) {
      throw new UnsupportedOperationException(
          "a tensor " + t.shape() + " is read while only some of its columns were written");
    }
    return base;
  }

  private String slice(String input, int from, int to) {
    return onnx.node("Slice", names(input, onnx.longs(from), onnx.longs(to), onnx.longs(1)));
  }

  private void write(Tensor t, String name) {
    pieces.remove(t);
    untraceable.remove(t);
    names.put(t, name);
  }

  private static long[] dims(Shape s) {
    int[] d = s.dims();
    long[] out = new long[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = d[i];
    }
    return out;
  }

  // ------------------------------------------------------------------ memory

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public String deviceDescription() {
    return delegate.deviceDescription();
  }

  @Override
  public Tensor allocate(Shape shape) {
    return delegate.allocate(shape);
  }

  @Override
  public Tensor allocatePersistent(Shape shape) {
    return delegate.allocatePersistent(shape);
  }

  @Override
  public TensorScope openScope() {
    return delegate.openScope();
  }

  @Override
  public void upload(float[] src, Tensor dst) {
    delegate.upload(src, dst);
    if (dst.shape().rank() == 2 && dst.shape().rows() == TRACE_ROWS) {
      throw new UnsupportedOperationException(
          "the forward pass uploads batch-sized host data "
              + dst.shape()
              + "; it cannot be traced");
    }
    write(dst, onnx.floats("constant", dims(dst.shape()), src.clone()));
  }

  @Override
  public void download(Tensor src, float[] dst) {
    delegate.download(src, dst);
  }

  @Override
  public void fill(Tensor t, float value) {
    delegate.fill(t, value);
    Shape s = t.shape();
    if (s.rank() == 2 && s.rows() == TRACE_ROWS && batchRows != null) {
      float[] row = new float[s.cols()];
      java.util.Arrays.fill(row, value);
      String constRow = onnx.floats("fill", new long[] {1, s.cols()}, row);
      String shape = onnx.node("Concat", names(batchRows, onnx.longs(s.cols())), attr("axis", 0L));
      write(t, onnx.node("Expand", names(constRow, shape)));
    } else {
      float[] v = new float[s.size()];
      java.util.Arrays.fill(v, value);
      write(t, onnx.floats("fill", dims(s), v));
    }
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    delegate.copy(src, dst);
    write(dst, value(src));
  }

  @Override
  public void copyColumns(Tensor src, int srcCol, Tensor dst, int dstCol, int count) {
    delegate.copyColumns(src, srcCol, dst, dstCol, count);
    String piece =
        srcCol == 0 && count == src.shape().cols()
            ? value(src)
            : slice(value(src), srcCol, srcCol + count);
    if (dstCol == 0 && count == dst.shape().cols()) {
      write(dst, piece);
      return;
    }
    pieces.computeIfAbsent(dst, k -> new TreeMap<>()).put(dstCol, new Piece(piece, count));
  }

  @Override
  public MemoryStats memoryStats() {
    return delegate.memoryStats();
  }

  @Override
  public void synchronize() {
    delegate.synchronize();
  }

  /** Leaves the wrapped backend open: it belongs to the model. */
  @Override
  public void close() {}

  // ------------------------------------------------------------------ linear algebra

  @Override
  public void gemm(
      boolean transA, boolean transB, float alpha, Tensor a, Tensor b, float beta, Tensor c) {
    String inA = value(a);
    String inB = value(b);
    String inC = beta != 0f ? value(c) : null;
    delegate.gemm(transA, transB, alpha, a, b, beta, c);
    List<String> in = inC != null ? names(inA, inB, inC) : names(inA, inB);
    write(
        c,
        onnx.node(
            "Gemm",
            in,
            attr("alpha", alpha),
            attr("beta", beta),
            attr("transA", transA ? 1L : 0L),
            attr("transB", transB ? 1L : 0L)));
  }

  @Override
  public void axpby(float alpha, Tensor x, float beta, Tensor y) {
    String inX = value(x);
    String inY = value(y);
    delegate.axpby(alpha, x, beta, y);
    String ax = onnx.node("Mul", names(inX, onnx.scalar(alpha)));
    String by = onnx.node("Mul", names(inY, onnx.scalar(beta)));
    write(y, onnx.node("Add", names(ax, by)));
  }

  @Override
  public void affine(Tensor x, float scale, float shift, Tensor out) {
    String in = value(x);
    delegate.affine(x, scale, shift, out);
    String scaled = scale == 1f ? in : onnx.node("Mul", names(in, onnx.scalar(scale)));
    write(out, shift == 0f ? scaled : onnx.node("Add", names(scaled, onnx.scalar(shift))));
  }

  @Override
  public double dot(Tensor a, Tensor b) {
    throw refused("dot");
  }

  @Override
  public double sumSquares(Tensor x) {
    throw refused("sumSquares");
  }

  // ------------------------------------------------------------------ element-wise

  @Override
  public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
    String inA = value(a);
    String inB = value(b);
    delegate.binary(op, a, b, out);
    String onnxOp =
        switch (op) {
          case ADD -> "Add";
          case SUB -> "Sub";
          case MUL -> "Mul";
          case DIV -> "Div";
          case MAX -> "Max";
          case MIN -> "Min";
        };
    write(out, onnx.node(onnxOp, names(inA, inB)));
  }

  @Override
  public void unary(UnaryOp op, Tensor x, Tensor out) {
    String in = value(x);
    delegate.unary(op, x, out);
    write(out, unaryNodes(op, in));
  }

  private String unaryNodes(UnaryOp op, String in) {
    return switch (op) {
      case RELU -> onnx.node("Relu", names(in));
      case SIGMOID -> onnx.node("Sigmoid", names(in));
      case TANH -> onnx.node("Tanh", names(in));
      case EXP -> onnx.node("Exp", names(in));
      case LOG -> onnx.node("Log", names(in));
      case SQRT -> onnx.node("Sqrt", names(in));
      case ABS -> onnx.node("Abs", names(in));
      case SQUARE -> onnx.node("Mul", names(in, in));
      case GELU -> {
        // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), the approximation UnaryOp.GELU defines
        String x3 = onnx.node("Mul", names(onnx.node("Mul", names(in, in)), in));
        String inner =
            onnx.node("Add", names(in, onnx.node("Mul", names(x3, onnx.scalar(0.044715f)))));
        String t =
            onnx.node(
                "Tanh",
                names(onnx.node("Mul", names(inner, onnx.scalar((float) Math.sqrt(2 / Math.PI))))));
        String half = onnx.node("Mul", names(in, onnx.scalar(0.5f)));
        yield onnx.node("Mul", names(half, onnx.node("Add", names(t, onnx.scalar(1f)))));
      }
    };
  }

  @Override
  public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gradOut, Tensor gradIn) {
    throw refused("unaryBackward");
  }

  // ------------------------------------------------------------------ reductions

  @Override
  public void sumRows(Tensor x, Tensor out) {
    String in = value(x);
    delegate.sumRows(x, out);
    write(out, onnx.node("ReduceSum", names(in, onnx.longs(0)), attr("keepdims", 1L)));
  }

  @Override
  public void sumCols(Tensor x, Tensor out) {
    String in = value(x);
    delegate.sumCols(x, out);
    write(out, onnx.node("ReduceSum", names(in, onnx.longs(1)), attr("keepdims", 1L)));
  }

  @Override
  public void sumAll(Tensor x, Tensor out) {
    String in = value(x);
    delegate.sumAll(x, out);
    String all = onnx.node("ReduceSum", names(in), attr("keepdims", 1L));
    write(out, onnx.node("Reshape", names(all, onnx.longs(dims(out.shape())))));
  }

  @Override
  public void argmaxRows(Tensor x, Tensor out) {
    String in = value(x);
    delegate.argmaxRows(x, out);
    String idx = onnx.node("ArgMax", names(in), attr("axis", 1L), attr("keepdims", 1L));
    write(out, onnx.node("Cast", names(idx), attr("to", 1L)));
  }

  @Override
  public void softmaxRows(Tensor x, Tensor out) {
    String in = value(x);
    delegate.softmaxRows(x, out);
    write(out, onnx.node("Softmax", names(in), attr("axis", 1L)));
  }

  @Override
  public void logSoftmaxRows(Tensor x, Tensor out) {
    String in = value(x);
    delegate.logSoftmaxRows(x, out);
    write(out, onnx.node("LogSoftmax", names(in), attr("axis", 1L)));
  }

  // ------------------------------------------------------------------ images (NCHW)

  @Override
  public void reshape(Tensor src, Tensor dst) {
    String in = value(src);
    delegate.reshape(src, dst);
    int[] from = src.shape().dims();
    int[] to = dst.shape().dims();
    long[] target = dims(dst.shape());
    boolean batchIn = from.length > 1 && from[0] == TRACE_ROWS;
    boolean batchOut = to.length > 1 && to[0] == TRACE_ROWS;
    if (batchIn && batchOut) {
      target[0] = -1; // the batch stays the first dimension, whatever its size
    } else if (batchIn || batchOut) {
      throw new UnsupportedOperationException(
          "reshape "
              + src.shape()
              + " -> "
              + dst.shape()
              + " moves the batch dimension; it cannot be exported");
    }
    write(dst, onnx.node("Reshape", names(in, onnx.longs(target))));
  }

  @Override
  public void conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dParams params, Tensor out) {
    String inX = value(x);
    String inW = value(weight);
    String inB = bias != null ? vector(bias) : null;
    delegate.conv2d(x, weight, bias, params, out);
    int[] w = weight.shape().dims();
    List<String> in = inB != null ? names(inX, inW, inB) : names(inX, inW);
    write(
        out,
        onnx.node(
            "Conv",
            in,
            ints("kernel_shape", w[2], w[3]),
            ints("strides", params.strideH(), params.strideW()),
            ints("pads", params.padH(), params.padW(), params.padH(), params.padW()),
            ints("dilations", params.dilationH(), params.dilationW()),
            attr("group", 1L)));
  }

  @Override
  public void conv2dBackwardInput(
      Tensor gradOut, Tensor weight, Conv2dParams params, Tensor gradIn) {
    throw refused("conv2dBackwardInput");
  }

  @Override
  public void conv2dBackwardWeight(
      Tensor x,
      Tensor gradOut,
      Conv2dParams params,
      float beta,
      Tensor gradWeight,
      Tensor gradBias) {
    throw refused("conv2dBackwardWeight");
  }

  @Override
  public void maxPool2d(Tensor x, Pool2dParams params, Tensor out, Tensor indices) {
    String in = value(x);
    delegate.maxPool2d(x, params, out, indices);
    // Padded positions are minus infinity in both definitions, and ties only decide the indices.
    // NaN: ONNX Runtime's MaxPool skips it, the backend (as PyTorch) lets it win, so a window
    // holding a NaN is set to NaN from a max-pooled NaN mask.
    AttributeProto[] window = poolAttributes(params);
    String pooled = onnx.node("MaxPool", names(in), window);
    String isNaN = onnx.node("Cast", names(onnx.node("IsNaN", names(in))), attr("to", 1L));
    String windowHasNaN =
        onnx.node("Cast", names(onnx.node("MaxPool", names(isNaN), window)), attr("to", 9L));
    write(out, onnx.node("Where", names(windowHasNaN, onnx.scalar(Float.NaN), pooled)));
    if (indices != null) {
      pieces.remove(indices);
      names.remove(indices);
      untraceable.put(indices, "maxPool2d (its arg-max positions)");
    }
  }

  @Override
  public void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn) {
    throw refused("maxPool2dBackward");
  }

  @Override
  public void avgPool2d(Tensor x, Pool2dParams params, Tensor out) {
    String in = value(x);
    delegate.avgPool2d(x, params, out);
    AttributeProto[] window = poolAttributes(params);
    AttributeProto[] attributes = java.util.Arrays.copyOf(window, window.length + 1);
    attributes[window.length] = attr("count_include_pad", 1L);
    write(out, onnx.node("AveragePool", names(in), attributes));
  }

  private static AttributeProto[] poolAttributes(Pool2dParams p) {
    return new AttributeProto[] {
      ints("kernel_shape", p.kernelH(), p.kernelW()),
      ints("strides", p.strideH(), p.strideW()),
      ints("pads", p.padH(), p.padW(), p.padH(), p.padW()),
      attr("ceil_mode", 0L)
    };
  }

  @Override
  public void avgPool2dBackward(Tensor gradOut, Pool2dParams params, Tensor gradIn) {
    throw refused("avgPool2dBackward");
  }

  @Override
  public void globalAvgPool2d(Tensor x, Tensor out) {
    String in = value(x);
    delegate.globalAvgPool2d(x, out);
    String pooled = onnx.node("GlobalAveragePool", names(in));
    write(out, onnx.node("Flatten", names(pooled), attr("axis", 1L)));
  }

  @Override
  public void globalAvgPool2dBackward(Tensor gradOut, Tensor gradIn) {
    throw refused("globalAvgPool2dBackward");
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
    throw refused("batchNorm2dTraining (batch norm in TRAIN mode)");
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
    List<String> in =
        names(value(x), vector(gamma), vector(beta), vector(runningMean), vector(runningVar));
    delegate.batchNorm2dInference(x, gamma, beta, runningMean, runningVar, eps, out);
    write(
        out, onnx.node("BatchNormalization", in, attr("epsilon", eps), attr("training_mode", 0L)));
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
    throw refused("batchNorm2dBackward");
  }

  // ------------------------------------------------------------------ training only

  @Override
  public void softmaxCrossEntropy(
      Tensor logits, Tensor labels, Tensor mask, Tensor loss, Tensor gradLogits) {
    throw refused("softmaxCrossEntropy");
  }

  @Override
  public void bceWithLogits(
      Tensor logits, Tensor targets, Tensor mask, Tensor loss, Tensor gradLogits) {
    throw refused("bceWithLogits");
  }

  @Override
  public void mse(Tensor predictions, Tensor targets, Tensor mask, Tensor loss, Tensor grad) {
    throw refused("mse");
  }

  // ------------------------------------------------------------------ embeddings

  @Override
  public void gatherRows(Tensor table, Tensor indices, Tensor out) {
    String inTable = value(table);
    String inIdx = value(indices);
    delegate.gatherRows(table, indices, out);
    String flat = onnx.node("Reshape", names(inIdx, onnx.longs(-1)));
    String idx = onnx.node("Cast", names(flat), attr("to", 7L));
    write(out, onnx.node("Gather", names(inTable, idx), attr("axis", 0L)));
  }

  @Override
  public void scatterAddRows(Tensor src, Tensor indices, Tensor table) {
    throw refused("scatterAddRows");
  }

  @Override
  public void dropoutMask(long seed, float p, Tensor mask) {
    throw refused("dropoutMask (dropout in EVAL mode)");
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
    throw refused("sgdStep");
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
    throw refused("adamStep");
  }

  /** The value of a per-channel tensor ({@code [C]} or {@code [1, C]}) as the 1-D {@code [C]}. */
  private String vector(Tensor t) {
    String v = value(t);
    return t.shape().rank() == 1 ? v : onnx.node("Reshape", names(v, onnx.longs(t.shape().size())));
  }

  private static UnsupportedOperationException refused(String primitive) {
    return new UnsupportedOperationException(
        primitive + " is a training primitive; an EVAL forward pass cannot be exported with it");
  }
}
