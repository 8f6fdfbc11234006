package org.mtl4j.trainer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.trainer.export.OnnxGraphBuilder.names;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.Conv2dParams;
import org.mtl4j.api.backend.Pool2dParams;
import org.mtl4j.api.nn.AvgPool2d;
import org.mtl4j.api.nn.BatchNorm2d;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.Conv2d;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.Flatten;
import org.mtl4j.api.nn.GlobalAvgPool2d;
import org.mtl4j.api.nn.Init;
import org.mtl4j.api.nn.Linear;
import org.mtl4j.api.nn.MaxPool2d;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.nn.Module;
import org.mtl4j.api.nn.ResidualBlock;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.trainer.export.onnx.OnnxModel.ModelProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.OperatorSetIdProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.TensorProto;

/**
 * The image primitives of {@link TracingBackend}: a convolutional network built from the api's
 * layers (convolutions with padding, stride 2 and dilation, batch norm in EVAL mode with
 * non-trivial running statistics, max and average pooling with padding, residual blocks with and
 * without projection, global average pooling, flatten, linear heads) is traced, run by ONNX Runtime
 * on a batch of a size other than the traced one, and matches the cpu backend's EVAL forward within
 * 1e-5 (relative beyond magnitude 1). Training-only primitives and reads of max-pool indices are
 * refused.
 */
class OnnxImageExportTest {
  private static final double TOLERANCE = 1e-5;
  private static final FeatureShape IMAGE = new FeatureShape(2, 12, 12);
  private static final int BATCH = 5;

  private ComputeBackend backend;
  private final List<Module> layers = new ArrayList<>();
  private Conv2d conv1;
  private BatchNorm2d bn1;
  private Conv2d conv2;
  private MaxPool2d maxPool;
  private ResidualBlock projected;
  private ResidualBlock identity;
  private AvgPool2d avgPool;
  private GlobalAvgPool2d globalPool;
  private Linear globalHead;
  private Flatten flatten;
  private Linear flatHead;

  @BeforeEach
  void buildNetwork() {
    backend = Backends.discover().select("cpu").provider().create(BackendOptions.defaults());
    // [2,12,12] -> conv 3x3 pad 1 -> [4,12,12]
    conv1 = keep(new Conv2d(backend, "conv1", 2, 4, 3, Conv2dParams.of(1, 1, 1), 11L));
    bn1 = keep(new BatchNorm2d(backend, "bn1", 4, 1e-3f, 0.1f));
    // 3x2 kernel, stride (2,1), padding (1,0), dilation (2,1): [4,12,12] -> [6,5,11]
    conv2 =
        keep(
            new Conv2d(
                backend,
                "conv2",
                4,
                6,
                3,
                2,
                new Conv2dParams(2, 1, 1, 0, 2, 1),
                true,
                Init.HE_UNIFORM,
                12L,
                1f));
    // 3x3, stride 2, padding 1: [6,5,11] -> [6,3,6]
    maxPool = keep(new MaxPool2d("pool1", Pool2dParams.of(3, 2, 1)));
    // stride 2 with a 1x1 projection shortcut: [6,3,6] -> [8,2,3]
    projected = keep(new ResidualBlock(backend, "res1", 6, 8, 2, 13L));
    identity = keep(new ResidualBlock(backend, "res2", 8, 8, 1, 14L));
    // 2x3 window, stride 1, padding 1 counted in the mean: [8,2,3] -> [8,3,3]
    avgPool = keep(new AvgPool2d("pool2", new Pool2dParams(2, 3, 1, 1, 1, 1)));
    globalPool = keep(new GlobalAvgPool2d("gap", 8));
    globalHead = keep(new Linear(backend, "head_a", 8, 5, Init.XAVIER_UNIFORM, 15L));
    flatten = keep(new Flatten("flatten", new FeatureShape(8, 3, 3)));
    flatHead = keep(new Linear(backend, "head_b", 72, 4, Init.XAVIER_UNIFORM, 16L));
    randomiseBiasesAndStatistics(new Random(7));
  }

  @AfterEach
  void close() {
    for (Module m : layers) {
      m.close();
    }
    backend.close();
  }

  private <M extends Module> M keep(M m) {
    layers.add(m);
    return m;
  }

  /** Biases, batch-norm scales and shifts, running means and variances away from their defaults. */
  private void randomiseBiasesAndStatistics(Random r) {
    for (Module m : layers) {
      for (Parameter p : m.parameters()) {
        if (p.name().endsWith(".gamma")) {
          backend.upload(uniform(r, p.size(), 0.5f, 1.5f), p.value());
        } else if (!p.name().endsWith(".weight")) { // biases and batch-norm shifts
          backend.upload(uniform(r, p.size(), -0.5f, 0.5f), p.value());
        }
      }
      for (Buffer b : m.buffers()) {
        int n = b.value().shape().size();
        boolean variance = b.name().endsWith(".running_var");
        backend.upload(variance ? uniform(r, n, 0.3f, 2f) : uniform(r, n, -0.5f, 0.5f), b.value());
      }
    }
  }

  private static float[] uniform(Random r, int n, float lo, float hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * r.nextFloat();
    }
    return v;
  }

  /** The two heads of the network, in EVAL mode (or {@code mode}). */
  private List<Var> forward(Graph g, Var features, Mode mode) {
    Var x = g.reshape(features, Shape.of(features.shape().rows(), 2, 12, 12));
    x = g.relu(bn1.forward(g, conv1.forward(g, x, mode), mode));
    x = maxPool.forward(g, conv2.forward(g, x, mode), mode);
    x = identity.forward(g, projected.forward(g, x, mode), mode);
    x = avgPool.forward(g, x, mode);
    Var a = globalHead.forward(g, globalPool.forward(g, x, mode), mode);
    Var b = flatHead.forward(g, flatten.forward(g, x, mode), mode);
    return List.of(a, b);
  }

  @Test
  void convolutionalNetworkMatchesOnnxRuntime() throws Exception {
    // a batch of 5 rows where the trace used 3: the batch dimension must stay symbolic
    float[] pixels = uniform(new Random(3), BATCH * IMAGE.size(), -1f, 1f);
    List<float[]> expected = new ArrayList<>();
    try (TensorScope scope = backend.openScope()) {
      Graph g = new Graph(backend, 0L);
      Tensor x = backend.fromHost(Shape.matrix(BATCH, IMAGE.size()), pixels);
      for (Var out : forward(g, g.constant(x), Mode.EVAL)) {
        expected.add(backend.toHost(out.value()));
      }
    }
    Map<String, float[]> onnx = run(trace(Mode.EVAL), pixels);
    assertClose(expected.get(0), onnx.get("global_head"));
    assertClose(expected.get(1), onnx.get("flat_head"));
    // the running statistics matter: a graph normalising with defaults would not match
    assertTrue(maxAbs(expected.get(0)) > 0.05, "head A is not degenerate");
  }

  @Test
  void maxPoolPropagatesNaNAsTheBackendDoes() throws Exception {
    // one 4x4 plane per row, 3x3 windows with stride 1 and padding 1: NaN anywhere in a window
    // wins over every number, as in PyTorch
    float nan = Float.NaN;
    float[] pixels = {
      nan,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
      11,
      12,
      13,
      14,
      15, // NaN in the corner
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1,
      1, // all ties
      -5,
      -4,
      -3,
      -2,
      -1,
      nan,
      -1,
      -2,
      -3,
      -4,
      -5,
      -6,
      -7,
      -8,
      -9,
      nan, // two NaNs
      -1,
      -2,
      -3,
      -4,
      -5,
      -6,
      -7,
      -8,
      -9,
      -10,
      -11,
      -12,
      -13,
      -14,
      -15,
      -16 // negative: no padding
    };
    int rows = 4;
    Pool2dParams window = Pool2dParams.of(3, 1, 1);
    float[] expected;
    try (TensorScope scope = backend.openScope()) {
      Tensor x = backend.fromHost(Shape.of(rows, 1, 4, 4), pixels);
      Tensor out = backend.allocate(Shape.of(rows, 1, 4, 4));
      backend.maxPool2d(x, window, out, null);
      expected = backend.toHost(out);
    }
    OnnxGraphBuilder onnx = new OnnxGraphBuilder();
    onnx.input("features", TensorProto.DataType.FLOAT, 16, "one 4x4 plane");
    TracingBackend tracer = new TracingBackend(backend, onnx, new IdentityHashMap<>());
    try (TensorScope scope = backend.openScope()) {
      int n = TracingBackend.TRACE_ROWS;
      Tensor x = backend.allocate(Shape.matrix(n, 16));
      backend.fill(x, 0f);
      tracer.bind(x, "features", "features");
      Tensor image = backend.allocate(Shape.of(n, 1, 4, 4));
      tracer.reshape(x, image);
      Tensor pooled = backend.allocate(Shape.of(n, 1, 4, 4));
      tracer.maxPool2d(image, window, pooled, null);
      Tensor flat = backend.allocate(Shape.matrix(n, 16));
      tracer.reshape(pooled, flat);
      onnx.nodeInto("Identity", names(tracer.value(flat)), "pooled");
      onnx.output("pooled", 16, "max-pooled plane");
    }
    float[] actual = runSingle(model(onnx), "features", pixels, rows, 16, "pooled");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 0f, "element " + i);
    }
    assertTrue(Float.isNaN(expected[0]) && expected[3] == 7f, "the backend propagates NaN");
  }

  @Test
  void trainModeBatchNormIsRefusedLikeOtherTrainingPrimitives() {
    UnsupportedOperationException e =
        assertThrows(UnsupportedOperationException.class, () -> trace(Mode.TRAIN));
    assertEquals(
        "batchNorm2dTraining (batch norm in TRAIN mode) is a training primitive; an EVAL forward"
            + " pass cannot be exported with it",
        e.getMessage());
  }

  @Test
  void backwardPrimitivesAreRefused() {
    TracingBackend tracer =
        new TracingBackend(backend, new OnnxGraphBuilder(), new IdentityHashMap<>());
    try (TensorScope scope = backend.openScope()) {
      Tensor t = backend.allocate(Shape.of(1, 1, 2, 2));
      UnsupportedOperationException e =
          assertThrows(
              UnsupportedOperationException.class,
              () -> tracer.avgPool2dBackward(t, Pool2dParams.of(1), t));
      assertTrue(
          e.getMessage().startsWith("avgPool2dBackward is a training primitive"), e.getMessage());
      assertThrows(UnsupportedOperationException.class, () -> tracer.globalAvgPool2dBackward(t, t));
      assertThrows(UnsupportedOperationException.class, () -> tracer.maxPool2dBackward(t, t, t));
      assertThrows(
          UnsupportedOperationException.class,
          () -> tracer.conv2dBackwardInput(t, t, Conv2dParams.DEFAULT, t));
      assertThrows(
          UnsupportedOperationException.class,
          () -> tracer.conv2dBackwardWeight(t, t, Conv2dParams.DEFAULT, 0f, t, null));
      assertThrows(
          UnsupportedOperationException.class,
          () -> tracer.batchNorm2dBackward(t, t, t, t, t, false, t, null, null));
    }
  }

  @Test
  void readingMaxPoolIndicesIsRefused() {
    OnnxGraphBuilder onnx = new OnnxGraphBuilder();
    TracingBackend tracer = new TracingBackend(backend, onnx, new IdentityHashMap<>());
    try (TensorScope scope = backend.openScope()) {
      Tensor x = backend.fromHost(Shape.of(1, 1, 2, 2), new float[] {1, 4, 3, 2});
      Tensor out = backend.allocate(Shape.of(1, 1, 1, 1));
      Tensor indices = backend.allocate(Shape.of(1, 1, 1, 1));
      tracer.maxPool2d(x, Pool2dParams.of(2), out, indices);
      assertEquals(1f, backend.toHost(indices)[0], "delegated: the maximum 4 sits at position 1");
      Tensor copy = backend.allocate(indices.shape());
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, () -> tracer.copy(indices, copy));
      assertTrue(e.getMessage().contains("maxPool2d"), e.getMessage());
      // once overwritten by a traced primitive the tensor is an ordinary value again
      tracer.fill(indices, 0f);
      tracer.copy(indices, copy);
    }
  }

  @Test
  void reshapeThatMovesTheBatchDimensionIsRefused() {
    TracingBackend tracer =
        new TracingBackend(backend, new OnnxGraphBuilder(), new IdentityHashMap<>());
    try (TensorScope scope = backend.openScope()) {
      Tensor x = backend.allocate(Shape.matrix(TracingBackend.TRACE_ROWS, 4));
      Tensor flat = backend.allocate(Shape.of(1, TracingBackend.TRACE_ROWS * 4));
      UnsupportedOperationException e =
          assertThrows(UnsupportedOperationException.class, () -> tracer.reshape(x, flat));
      assertTrue(e.getMessage().contains("moves the batch dimension"), e.getMessage());
    }
  }

  /** Traces the network's forward pass in {@code mode} into a model with two outputs. */
  private ModelProto trace(Mode mode) {
    OnnxGraphBuilder onnx = new OnnxGraphBuilder();
    onnx.input("features", TensorProto.DataType.FLOAT, IMAGE.size(), "pixels, NCHW order");
    Map<Tensor, String> parameterNames = new IdentityHashMap<>();
    for (Module m : layers) {
      for (Parameter p : m.parameters()) {
        parameterNames.put(p.value(), p.name());
      }
      for (Buffer b : m.buffers()) {
        parameterNames.put(b.value(), b.name());
      }
    }
    TracingBackend tracer = new TracingBackend(backend, onnx, parameterNames);
    try (TensorScope scope = backend.openScope()) {
      Tensor x =
          backend.fromHost(
              Shape.matrix(TracingBackend.TRACE_ROWS, IMAGE.size()),
              new float[TracingBackend.TRACE_ROWS * IMAGE.size()]);
      tracer.bind(x, "features", "features");
      Graph g = new Graph(tracer, 0L);
      List<Var> outs = forward(g, g.constant(x), mode);
      onnx.nodeInto("Identity", names(tracer.value(outs.get(0).value())), "global_head");
      onnx.output("global_head", 5, "global average pooling head");
      onnx.nodeInto("Identity", names(tracer.value(outs.get(1).value())), "flat_head");
      onnx.output("flat_head", 4, "flatten head");
    }
    return model(onnx);
  }

  private static ModelProto model(OnnxGraphBuilder onnx) {
    return ModelProto.newBuilder()
        .setIrVersion(OnnxExporter.IR_VERSION)
        .addOpsetImport(
            OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxExporter.OPSET))
        .setGraph(onnx.build("traced", "traced image primitives"))
        .build();
  }

  private static float[] runSingle(
      ModelProto model, String input, float[] values, int rows, int cols, String output)
      throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession s = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
        OnnxTensor in =
            OnnxTensor.createTensor(env, FloatBuffer.wrap(values), new long[] {rows, cols});
        OrtSession.Result r = s.run(Map.of(input, in))) {
      float[][] v = (float[][]) r.get(output).orElseThrow().getValue();
      float[] flat = new float[rows * cols];
      for (int i = 0; i < rows; i++) {
        System.arraycopy(v[i], 0, flat, i * cols, cols);
      }
      return flat;
    }
  }

  private static Map<String, float[]> run(ModelProto model, float[] pixels) throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Map<String, float[]> out = new LinkedHashMap<>();
    try (OrtSession s = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
        OnnxTensor in =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(pixels), new long[] {BATCH, IMAGE.size()});
        OrtSession.Result r = s.run(Map.of("features", in))) {
      for (String name : List.of("global_head", "flat_head")) {
        float[][] v = (float[][]) r.get(name).orElseThrow().getValue();
        assertEquals(BATCH, v.length, name + " rows");
        float[] flat = new float[v.length * v[0].length];
        for (int i = 0; i < v.length; i++) {
          System.arraycopy(v[i], 0, flat, i * v[0].length, v[0].length);
        }
        out.put(name, flat);
      }
    }
    return out;
  }

  private static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, "output size");
    for (int i = 0; i < expected.length; i++) {
      double bound = TOLERANCE * Math.max(1, Math.abs(expected[i]));
      assertTrue(
          Math.abs(expected[i] - actual[i]) <= bound,
          "element " + i + ": mtl4j " + expected[i] + ", ONNX Runtime " + actual[i]);
    }
  }

  private static double maxAbs(float[] v) {
    double m = 0;
    for (float f : v) {
      m = Math.max(m, Math.abs(f));
    }
    return m;
  }
}
