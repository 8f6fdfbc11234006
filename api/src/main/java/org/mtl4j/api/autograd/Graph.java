package org.mtl4j.api.autograd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.backend.BinaryOp;
import org.mtl4j.api.backend.Broadcast;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.backend.OpChecks;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.backend.ShapeChecks;
import org.mtl4j.api.backend.UnaryOp;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * A define-by-run tape of differentiable operations on one {@link ComputeBackend} (reverse-mode
 * automatic differentiation as in Paszke et al., "Automatic differentiation in PyTorch", 2017).
 *
 * <p>Every operation computes its result at once and records how to send a gradient back to its
 * inputs, using backend primitives only. A graph lives for one training step; all its tensors are
 * allocated in the scope open at the time, so the caller opens a {@link
 * org.mtl4j.api.tensor.TensorScope} around the step and everything dies with it.
 *
 * <p>{@link #backward(Var)} accumulates gradients into {@link Parameter#grad()}. {@link #grad}
 * returns gradients of a loss with respect to chosen vars (parameters or intermediate values such
 * as a shared representation) in fresh tensors and touches nothing else, so it can be called once
 * per task on the same graph: what gradient-balancing methods need.
 *
 * <p>A graph is confined to one thread.
 */
public final class Graph {
  private final ComputeBackend backend;
  private final List<Node> tape = new ArrayList<>();
  private final Map<Parameter, Var> paramVars = new IdentityHashMap<>();
  private final long seed;
  private long randomStreams;
  private ImageGraphOps images;

  /** How a recorded operation sends its output gradient to its inputs. */
  @FunctionalInterface
  interface Backward {
    void apply(Tensor gradOut, Sink sink);
  }

  /** Receives input gradients from a {@link Backward}; takes ownership of the tensors given. */
  interface Sink {
    boolean needs(int input);

    void add(int input, Tensor grad);

    /**
     * The tensor that gradients into {@code input} may be added to in place (a parameter's {@link
     * Parameter#grad()} during {@link #backward}), or null where they must go through {@link #add}.
     * A backward that writes into it (a gemm with beta 1) must not also call {@link #add} for that
     * input; it saves a temporary and a pass over the parameter.
     */
    default Tensor accumulator(int input) {
      return null;
    }
  }

  private record Node(Var out, Var[] inputs, Backward backward) {}

  /**
   * @param seed seed for the graph's random operations (dropout): the same seed gives the same
   *     masks on every backend
   */
  public Graph(ComputeBackend backend, long seed) {
    this.backend = backend;
    this.seed = seed;
  }

  public ComputeBackend backend() {
    return backend;
  }

  /** Number of recorded vars (leaves included). */
  public int size() {
    return tape.size();
  }

  // --------------------------------------------------------------------------------- leaves

  /** A value that no gradient flows into (inputs, labels). */
  public Var constant(Tensor value) {
    return record(value, false, null, new Var[0], null);
  }

  /**
   * A leaf that gradients can be asked for with {@link #grad}, e.g. an input whose saliency is
   * wanted. {@link #backward} does not store its gradient anywhere.
   */
  public Var leaf(Tensor value) {
    return record(value, true, null, new Var[0], null);
  }

  /** The leaf standing for {@code p}; the same var each time it is asked for in this graph. */
  public Var param(Parameter p) {
    Var v = paramVars.get(p);
    if (v == null) {
      v = record(p.value(), true, p, new Var[0], null);
      paramVars.put(p, v);
    }
    return v;
  }

  private Var record(Tensor value, boolean rg, Parameter p, Var[] inputs, Backward b) {
    Var v = new Var(this, tape.size(), value, rg, p);
    tape.add(new Node(v, inputs, b));
    return v;
  }

  Var op(Tensor value, Backward b, Var... inputs) {
    boolean rg = false;
    for (Var in : inputs) {
      if (in.graph != this) {
        throw new IllegalArgumentException(in + " belongs to another graph");
      }
      rg |= in.requiresGrad;
    }
    return record(value, rg, null, inputs, rg ? b : null);
  }

  private Tensor alloc(Shape s) {
    return backend.allocate(s);
  }

  private ImageGraphOps images() {
    if (images == null) {
      images = new ImageGraphOps(this);
    }
    return images;
  }

  // --------------------------------------------------------------------------------- images (NCHW)

  /**
   * {@code a} with the same values in row-major order under another shape of the same size, e.g. an
   * image batch {@code [N, C, H, W]} as the {@code [N, C*H*W]} matrix a linear layer reads.
   */
  public Var reshape(Var a, Shape shape) {
    return images().reshape(a, shape);
  }

  /**
   * 2-D convolution of {@code x [N, C, H, W]} with {@code weight [K, C, kH, kW]} plus {@code bias}
   * (K values, or null); see {@link ComputeBackend#conv2d} (LeCun et al. 1998).
   */
  public Var conv2d(Var x, Var weight, Var bias, Conv2dParams params) {
    return images().conv2d(x, weight, bias, params);
  }

  /** Max pooling; see {@link ComputeBackend#maxPool2d}. */
  public Var maxPool2d(Var x, Pool2dParams params) {
    return images().maxPool2d(x, params);
  }

  /** Average pooling; see {@link ComputeBackend#avgPool2d}. */
  public Var avgPool2d(Var x, Pool2dParams params) {
    return images().avgPool2d(x, params);
  }

  /** Global average pooling of {@code [N, C, H, W]} to {@code [N, C]}. */
  public Var globalAvgPool2d(Var x) {
    return images().globalAvgPool2d(x);
  }

  /**
   * Batch normalisation of {@code x [N, C, H, W]} with learned {@code gamma} and {@code beta} (C
   * values each), Ioffe and Szegedy 2015. With {@code training} the batch statistics normalise and
   * the persistent {@code runningMean}/{@code runningVar} are updated with {@code momentum};
   * without, the running statistics normalise and are left alone.
   */
  public Var batchNorm2d(
      Var x,
      Var gamma,
      Var beta,
      Tensor runningMean,
      Tensor runningVar,
      float eps,
      float momentum,
      boolean training) {
    return images().batchNorm2d(x, gamma, beta, runningMean, runningVar, eps, momentum, training);
  }

  // --------------------------------------------------------------------------------- linear
  // algebra

  /** {@code a * b}. */
  public Var matmul(Var a, Var b) {
    return matmul(a, b, false, false);
  }

  /** {@code op(a) * op(b)} where op transposes when the flag is set. */
  public Var matmul(Var a, Var b, boolean transA, boolean transB) {
    int m = transA ? a.shape().cols() : a.shape().rows();
    int n = transB ? b.shape().rows() : b.shape().cols();
    Tensor c = alloc(Shape.matrix(m, n));
    backend.gemm(transA, transB, 1f, a.value, b.value, 0f, c);
    return op(c, (g, sink) -> matmulBackward(a, b, transA, transB, g, sink), a, b);
  }

  private void matmulBackward(Var a, Var b, boolean ta, boolean tb, Tensor g, Sink sink) {
    if (sink.needs(0)) {
      Tensor acc = sink.accumulator(0);
      Tensor da = acc != null ? acc : alloc(a.shape());
      float beta = acc != null ? 1f : 0f;
      if (!ta) {
        backend.gemm(false, !tb, 1f, g, b.value, beta, da);
      } else {
        backend.gemm(tb, true, 1f, b.value, g, beta, da);
      }
      if (acc == null) {
        sink.add(0, da);
      }
    }
    if (sink.needs(1)) {
      Tensor acc = sink.accumulator(1);
      Tensor db = acc != null ? acc : alloc(b.shape());
      float beta = acc != null ? 1f : 0f;
      if (!tb) {
        backend.gemm(!ta, false, 1f, a.value, g, beta, db);
      } else {
        backend.gemm(true, ta, 1f, g, a.value, beta, db);
      }
      if (acc == null) {
        sink.add(1, db);
      }
    }
  }

  /**
   * The affine map of a fully connected layer, {@code x * w + bias}, with {@code w} stored {@code
   * [in, out]} and {@code bias} a {@code [1, out]} row (or null).
   */
  public Var linear(Var x, Var w, Var bias) {
    Tensor y = alloc(Shape.matrix(x.shape().rows(), w.shape().cols()));
    backend.gemm(false, false, 1f, x.value, w.value, 0f, y);
    if (bias == null) {
      return op(y, (g, sink) -> matmulBackward(x, w, false, false, g, sink), x, w);
    }
    ShapeChecks.shapeIs("linear", bias.value, "bias", 1, w.shape().cols());
    backend.binary(BinaryOp.ADD, y, bias.value, y);
    return op(
        y,
        (g, sink) -> {
          matmulBackward(x, w, false, false, g, sink);
          if (sink.needs(2)) {
            Tensor db = alloc(bias.shape());
            backend.sumRows(g, db);
            sink.add(2, db);
          }
        },
        x,
        w,
        bias);
  }

  // --------------------------------------------------------------------------------- element-wise

  public Var add(Var a, Var b) {
    return binary(BinaryOp.ADD, a, b);
  }

  public Var sub(Var a, Var b) {
    return binary(BinaryOp.SUB, a, b);
  }

  public Var mul(Var a, Var b) {
    return binary(BinaryOp.MUL, a, b);
  }

  public Var div(Var a, Var b) {
    return binary(BinaryOp.DIV, a, b);
  }

  /**
   * {@code a (op) b} for ADD, SUB, MUL or DIV, with {@code b} broadcast as in {@link
   * ComputeBackend#binary}.
   */
  public Var binary(BinaryOp bop, Var a, Var b) {
    if (bop == BinaryOp.MAX || bop == BinaryOp.MIN) {
      throw new IllegalArgumentException("autograd: " + bop + " is not differentiable here");
    }
    Tensor out = alloc(a.shape());
    Broadcast mode = OpChecks.binary(bop, a.value, b.value, out);
    backend.binary(bop, a.value, b.value, out);
    return op(out, (g, sink) -> binaryBackward(bop, mode, a, b, out, g, sink), a, b);
  }

  private void binaryBackward(
      BinaryOp bop, Broadcast mode, Var a, Var b, Tensor out, Tensor g, Sink sink) {
    if (sink.needs(0)) {
      Tensor da = alloc(a.shape());
      switch (bop) {
        case ADD, SUB -> backend.copy(g, da);
        case MUL -> backend.binary(BinaryOp.MUL, g, b.value, da);
        case DIV -> backend.binary(BinaryOp.DIV, g, b.value, da);
        default -> throw new IllegalStateException(bop.name());
      }
      sink.add(0, da);
    }
    if (sink.needs(1)) {
      Tensor full;
      switch (bop) {
        case ADD -> full = g;
        case SUB -> {
          full = alloc(a.shape());
          backend.affine(g, -1f, 0f, full);
        }
        case MUL -> {
          full = alloc(a.shape());
          backend.binary(BinaryOp.MUL, g, a.value, full);
        }
        case DIV -> {
          // d(a/b)/db = -a/b^2 = -out/b
          full = alloc(a.shape());
          backend.binary(BinaryOp.MUL, g, out, full);
          backend.binary(BinaryOp.DIV, full, b.value, full);
          backend.affine(full, -1f, 0f, full);
        }
        default -> throw new IllegalStateException(bop.name());
      }
      sink.add(1, reduceTo(full, mode, b.shape(), full != g));
    }
  }

  /** Sums a full-shape gradient down to the shape of a broadcast operand. */
  private Tensor reduceTo(Tensor full, Broadcast mode, Shape target, boolean owned) {
    Tensor r;
    switch (mode) {
      case SAME -> {
        if (owned) {
          return full;
        }
        r = alloc(target);
        backend.copy(full, r);
        return r;
      }
      case ROW -> {
        r = alloc(target);
        backend.sumRows(full, r);
      }
      case COLUMN -> {
        r = alloc(target);
        backend.sumCols(full, r);
      }
      case SCALAR -> {
        r = alloc(target);
        backend.sumAll(full, r);
      }
      default -> throw new IllegalStateException(mode.name());
    }
    if (owned) {
      full.close();
    }
    return r;
  }

  /** {@code s * a}. */
  public Var scale(Var a, float s) {
    Tensor out = alloc(a.shape());
    backend.affine(a.value, s, 0f, out);
    return op(
        out,
        (g, sink) -> {
          Tensor da = alloc(a.shape());
          backend.affine(g, s, 0f, da);
          sink.add(0, da);
        },
        a);
  }

  /** {@code a + c} for a constant c. */
  public Var addScalar(Var a, float c) {
    Tensor out = alloc(a.shape());
    backend.affine(a.value, 1f, c, out);
    return op(
        out,
        (g, sink) -> {
          Tensor da = alloc(a.shape());
          backend.copy(g, da);
          sink.add(0, da);
        },
        a);
  }

  /** {@code f(a)} element-wise. */
  public Var unary(UnaryOp f, Var a) {
    Tensor out = alloc(a.shape());
    backend.unary(f, a.value, out);
    return op(
        out,
        (g, sink) -> {
          Tensor da = alloc(a.shape());
          backend.unaryBackward(f, a.value, out, g, da);
          sink.add(0, da);
        },
        a);
  }

  public Var relu(Var a) {
    return unary(UnaryOp.RELU, a);
  }

  public Var sigmoid(Var a) {
    return unary(UnaryOp.SIGMOID, a);
  }

  public Var tanh(Var a) {
    return unary(UnaryOp.TANH, a);
  }

  public Var gelu(Var a) {
    return unary(UnaryOp.GELU, a);
  }

  public Var exp(Var a) {
    return unary(UnaryOp.EXP, a);
  }

  public Var log(Var a) {
    return unary(UnaryOp.LOG, a);
  }

  public Var sqrt(Var a) {
    return unary(UnaryOp.SQRT, a);
  }

  public Var square(Var a) {
    return unary(UnaryOp.SQUARE, a);
  }

  // --------------------------------------------------------------------------------- reductions

  /** Sum of all elements, a {@code [1, 1]} var. */
  public Var sum(Var a) {
    Tensor out = alloc(Shape.scalar());
    backend.sumAll(a.value, out);
    return op(out, (g, sink) -> sink.add(0, broadcastTo(g, a.shape())), a);
  }

  /** Mean of all elements, a {@code [1, 1]} var. */
  public Var mean(Var a) {
    return scale(sum(a), 1f / a.shape().size());
  }

  /** Column sums as a {@code [1, cols]} row. */
  public Var sumRows(Var a) {
    Tensor out = alloc(Shape.row(a.shape().cols()));
    backend.sumRows(a.value, out);
    return op(out, (g, sink) -> sink.add(0, broadcastTo(g, a.shape())), a);
  }

  /** Row sums as a {@code [rows, 1]} column. */
  public Var sumCols(Var a) {
    Tensor out = alloc(Shape.column(a.shape().rows()));
    backend.sumCols(a.value, out);
    return op(out, (g, sink) -> sink.add(0, broadcastTo(g, a.shape())), a);
  }

  private Tensor broadcastTo(Tensor g, Shape shape) {
    Tensor t = alloc(shape);
    backend.fill(t, 0f);
    backend.binary(BinaryOp.ADD, t, g, t);
    return t;
  }

  /** Sum of the given {@code [1, 1]} vars (or any vars of one shape). */
  public Var sumOf(List<Var> vars) {
    if (vars.isEmpty()) {
      throw new IllegalArgumentException("sumOf: no vars");
    }
    Var acc = vars.get(0);
    for (int i = 1; i < vars.size(); i++) {
      acc = add(acc, vars.get(i));
    }
    return acc;
  }

  // --------------------------------------------------------------------------------- softmax

  public Var softmax(Var a) {
    Tensor y = alloc(a.shape());
    backend.softmaxRows(a.value, y);
    return op(
        y,
        (g, sink) -> {
          // da = y * (g - rowsum(g * y))
          Tensor gy = alloc(a.shape());
          backend.binary(BinaryOp.MUL, g, y, gy);
          Tensor s = alloc(Shape.column(a.shape().rows()));
          backend.sumCols(gy, s);
          backend.binary(BinaryOp.SUB, g, s, gy);
          backend.binary(BinaryOp.MUL, gy, y, gy);
          s.close();
          sink.add(0, gy);
        },
        a);
  }

  public Var logSoftmax(Var a) {
    Tensor y = alloc(a.shape());
    backend.logSoftmaxRows(a.value, y);
    return op(
        y,
        (g, sink) -> {
          // da = g - softmax * rowsum(g)
          Tensor s = alloc(Shape.column(a.shape().rows()));
          backend.sumCols(g, s);
          Tensor da = alloc(a.shape());
          backend.unary(UnaryOp.EXP, y, da);
          backend.binary(BinaryOp.MUL, da, s, da);
          backend.binary(BinaryOp.SUB, g, da, da);
          s.close();
          sink.add(0, da);
        },
        a);
  }

  // --------------------------------------------------------------------------------- columns

  /** Columns {@code [from, from + count)} of {@code a}. */
  public Var sliceColumns(Var a, int from, int count) {
    Tensor out = alloc(Shape.matrix(a.shape().rows(), count));
    backend.copyColumns(a.value, from, out, 0, count);
    return op(
        out,
        (g, sink) -> {
          Tensor da = alloc(a.shape());
          backend.fill(da, 0f);
          backend.copyColumns(g, 0, da, from, count);
          sink.add(0, da);
        },
        a);
  }

  /** The vars side by side: {@code [rows, sum of cols]}. */
  public Var concatColumns(List<Var> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("concatColumns: no vars");
    }
    int rows = parts.get(0).shape().rows();
    int cols = 0;
    for (Var p : parts) {
      if (p.shape().rows() != rows) {
        throw new IllegalArgumentException(
            "concatColumns: row counts differ: " + parts.get(0).shape() + " and " + p.shape());
      }
      cols += p.shape().cols();
    }
    Tensor out = alloc(Shape.matrix(rows, cols));
    int[] offsets = new int[parts.size()];
    int off = 0;
    for (int i = 0; i < parts.size(); i++) {
      offsets[i] = off;
      backend.copyColumns(parts.get(i).value, 0, out, off, parts.get(i).shape().cols());
      off += parts.get(i).shape().cols();
    }
    return op(
        out,
        (g, sink) -> {
          for (int i = 0; i < parts.size(); i++) {
            if (sink.needs(i)) {
              Tensor d = alloc(parts.get(i).shape());
              backend.copyColumns(g, offsets[i], d, 0, parts.get(i).shape().cols());
              sink.add(i, d);
            }
          }
        },
        parts.toArray(new Var[0]));
  }

  // ---------------------------------------------------------------------------------
  // regularisation

  /**
   * A fresh seed for one random operation of this graph, derived from the graph's seed and a
   * per-graph call counter: dropout masks and the Gumbel noise of learned branching draw from it,
   * so the same graph seed replays the same draws in the same order.
   */
  public long randomStream() {
    return CounterRng.derive(seed, randomStreams++);
  }

  /**
   * Inverted dropout with rate {@code p} (Srivastava et al., JMLR 2014). Each call draws a fresh
   * mask from the graph's seed and a per-graph call counter, so a run is reproducible.
   */
  public Var dropout(Var a, float p) {
    ShapeChecks.probability("dropout", p);
    if (p == 0f) {
      return a;
    }
    Tensor mask = alloc(a.shape());
    backend.dropoutMask(randomStream(), p, mask);
    Tensor out = alloc(a.shape());
    backend.binary(BinaryOp.MUL, a.value, mask, out);
    return op(
        out,
        (g, sink) -> {
          Tensor da = alloc(a.shape());
          backend.binary(BinaryOp.MUL, g, mask, da);
          sink.add(0, da);
        },
        a);
  }

  /**
   * Rows of {@code table} picked by the integral float indices {@code [n, 1]}: an embedding lookup.
   */
  public Var gather(Var table, Tensor indices) {
    Tensor out = alloc(Shape.matrix(indices.shape().rows(), table.shape().cols()));
    backend.gatherRows(table.value, indices, out);
    return op(
        out,
        (g, sink) -> {
          Tensor dt = alloc(table.shape());
          backend.fill(dt, 0f);
          backend.scatterAddRows(g, indices, dt);
          sink.add(0, dt);
        },
        table);
  }

  // --------------------------------------------------------------------------------- losses

  /**
   * Mean softmax cross-entropy over masked-in rows; see {@link ComputeBackend#softmaxCrossEntropy}.
   */
  public Var softmaxCrossEntropy(Var logits, Tensor labels, Tensor mask) {
    Tensor loss = alloc(Shape.scalar());
    Tensor grad = logits.requiresGrad ? alloc(logits.shape()) : null;
    backend.softmaxCrossEntropy(logits.value, labels, mask, loss, grad);
    return lossOp(loss, grad, logits);
  }

  /** Mean binary cross-entropy with logits; see {@link ComputeBackend#bceWithLogits}. */
  public Var bceWithLogits(Var logits, Tensor targets, Tensor mask) {
    Tensor loss = alloc(Shape.scalar());
    Tensor grad = logits.requiresGrad ? alloc(logits.shape()) : null;
    backend.bceWithLogits(logits.value, targets, mask, loss, grad);
    return lossOp(loss, grad, logits);
  }

  /** Mean squared error; see {@link ComputeBackend#mse}. */
  public Var mse(Var predictions, Tensor targets, Tensor mask) {
    Tensor loss = alloc(Shape.scalar());
    Tensor grad = predictions.requiresGrad ? alloc(predictions.shape()) : null;
    backend.mse(predictions.value, targets, mask, loss, grad);
    return lossOp(loss, grad, predictions);
  }

  private Var lossOp(Tensor loss, Tensor unitGrad, Var input) {
    return op(
        loss,
        (g, sink) -> {
          Tensor d = alloc(input.shape());
          backend.binary(BinaryOp.MUL, unitGrad, g, d);
          sink.add(0, d);
        },
        input);
  }

  // --------------------------------------------------------------------------------- backward

  /**
   * Back-propagates the scalar {@code loss} and adds the gradient of every parameter leaf into its
   * {@link Parameter#grad()}.
   */
  public void backward(Var loss) {
    requireScalar(loss, "backward");
    backward(Map.of(loss, ones()));
  }

  /**
   * Back-propagates the given seed gradients ({@code d objective / d var} for each var) and adds
   * the result into the parameters' gradients. Used to push a combined representation gradient
   * through a shared trunk.
   */
  public void backward(Map<Var, Tensor> seeds) {
    Map<Integer, Tensor> grads = run(seeds, null);
    for (Map.Entry<Integer, Tensor> e : grads.entrySet()) {
      Parameter p = tape.get(e.getKey()).out.parameter;
      if (p != null) {
        backend.axpby(1f, e.getValue(), 1f, p.grad());
      }
      if (!isSeed(seeds, e.getValue())) {
        e.getValue().close();
      }
    }
  }

  /**
   * Gradients of the scalar {@code loss} with respect to each var in {@code wrt}, as fresh tensors
   * in the current scope (zero-filled where the loss does not depend on the var). Parameter
   * gradients are not touched.
   */
  public Map<Var, Tensor> grad(Var loss, List<Var> wrt) {
    requireScalar(loss, "grad");
    return grad(Map.of(loss, ones()), wrt);
  }

  /** Gradients of the seeded objective with respect to each var in {@code wrt}. */
  public Map<Var, Tensor> grad(Map<Var, Tensor> seeds, List<Var> wrt) {
    boolean[] target = new boolean[tape.size()];
    for (Var w : wrt) {
      if (w.graph != this) {
        throw new IllegalArgumentException(w + " belongs to another graph");
      }
      target[w.id] = true;
    }
    Map<Integer, Tensor> grads = run(seeds, target);
    Map<Var, Tensor> out = new LinkedHashMap<>();
    for (Var w : wrt) {
      if (out.containsKey(w)) {
        continue; // listed twice: keep the gradient already taken
      }
      Tensor g = grads.remove(w.id);
      if (g == null) {
        g = alloc(w.shape());
        backend.fill(g, 0f);
      } else if (isSeed(seeds, g)) {
        Tensor c = alloc(w.shape());
        backend.copy(g, c);
        g = c;
      }
      out.put(w, g);
    }
    for (Tensor g : grads.values()) {
      if (!isSeed(seeds, g)) {
        g.close();
      }
    }
    return out;
  }

  private static boolean isSeed(Map<Var, Tensor> seeds, Tensor t) {
    for (Tensor s : seeds.values()) {
      if (s == t) {
        return true;
      }
    }
    return false;
  }

  private Tensor ones() {
    Tensor one = alloc(Shape.scalar());
    backend.fill(one, 1f);
    return one;
  }

  private static void requireScalar(Var v, String op) {
    if (v.shape().size() != 1) {
      throw new IllegalArgumentException(op + ": the loss must be a [1, 1] var, got " + v.shape());
    }
  }

  /**
   * Reverse sweep. With {@code target == null} gradients flow to every var that requires one and
   * are kept for parameter leaves; otherwise they flow only along paths from a target var and are
   * kept for target vars. Returns the kept gradients by var id.
   */
  private Map<Integer, Tensor> run(Map<Var, Tensor> seeds, boolean[] target) {
    int n = tape.size();
    boolean[] relevant = new boolean[n];
    for (int i = 0; i < n; i++) {
      Node node = tape.get(i);
      if (target == null) {
        relevant[i] = node.out.requiresGrad;
      } else {
        boolean r = target[i];
        for (Var in : node.inputs) {
          r |= relevant[in.id];
        }
        relevant[i] = r;
      }
    }
    Tensor[] grads = new Tensor[n];
    boolean[] owned = new boolean[n];
    int top = -1;
    for (Map.Entry<Var, Tensor> e : seeds.entrySet()) {
      Var v = e.getKey();
      if (v.graph != this) {
        throw new IllegalArgumentException(v + " belongs to another graph");
      }
      ShapeChecks.sameShape("backward", v.value, "var", e.getValue(), "seed gradient");
      if (grads[v.id] == null) {
        grads[v.id] = e.getValue();
      } else {
        Tensor sum = alloc(v.shape());
        backend.copy(grads[v.id], sum);
        backend.axpby(1f, e.getValue(), 1f, sum);
        grads[v.id] = sum;
        owned[v.id] = true;
      }
      top = Math.max(top, v.id);
    }
    Map<Integer, Tensor> kept = new HashMap<>();
    for (int i = top; i >= 0; i--) {
      Tensor g = grads[i];
      if (g == null || !relevant[i]) {
        if (g != null && owned[i]) {
          g.close();
        }
        continue;
      }
      Node node = tape.get(i);
      boolean keep = target == null ? node.out.parameter != null : target[i];
      if (node.backward != null) {
        node.backward.apply(
            g,
            new Sink() {
              @Override
              public boolean needs(int input) {
                return relevant[node.inputs[input].id];
              }

              @Override
              public Tensor accumulator(int input) {
                Var in = node.inputs[input];
                return target == null && in.parameter != null && relevant[in.id]
                    ? in.parameter.grad()
                    : null;
              }

              @Override
              public void add(int input, Tensor grad) {
                int id = node.inputs[input].id;
                if (grads[id] == null) {
                  grads[id] = grad;
                  owned[id] = true;
                } else if (owned[id]) {
                  backend.axpby(1f, grad, 1f, grads[id]);
                  grad.close();
                } else {
                  backend.axpby(1f, grads[id], 1f, grad);
                  grads[id] = grad;
                  owned[id] = true;
                }
              }
            });
      }
      if (keep) {
        kept.put(i, g);
      } else if (owned[i]) {
        g.close();
      }
      grads[i] = null;
    }
    return kept;
  }
}
