package org.mtl4j.trainer.export;

import static org.mtl4j.trainer.export.OnnxGraphBuilder.attr;
import static org.mtl4j.trainer.export.OnnxGraphBuilder.names;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.MemoryStats;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;

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
 * that only training uses (losses, gradients, optimiser steps, dropout masks) are refused.
 */
final class TracingBackend implements ComputeBackend {
  /** Rows of the traced batch: distinct from 1 so that broadcasting stays visible. */
  static final int TRACE_ROWS = 3;

  private final ComputeBackend delegate;
  private final OnnxGraphBuilder onnx;
  private final Map<Tensor, String> parameterNames;
  private final Map<Tensor, String> names = new IdentityHashMap<>();
  private final Map<Tensor, TreeMap<Integer, Piece>> pieces = new IdentityHashMap<>();
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

  private static UnsupportedOperationException refused(String primitive) {
    return new UnsupportedOperationException(
        primitive + " is a training primitive; an EVAL forward pass cannot be exported with it");
  }
}
