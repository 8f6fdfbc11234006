package org.mtl4j.trainer.export;

import static org.mtl4j.trainer.export.OnnxGraphBuilder.attr;
import static org.mtl4j.trainer.export.OnnxGraphBuilder.names;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.trainer.checkpoint.AtomicFiles;
import org.mtl4j.trainer.data.CsvSchema;
import org.mtl4j.trainer.data.DataException;
import org.mtl4j.trainer.export.onnx.OnnxModel.ModelProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.OperatorSetIdProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.StringStringEntryProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.TensorProto;
import org.mtl4j.trainer.training.TrainedModel;

/**
 * Writes a trained model as one ONNX model (Open Neural Network Exchange, https://onnx.ai) that
 * ONNX Runtime, Triton and the like serve without mtl4j.
 *
 * <p>Inputs are the raw feature columns: for a CSV model one input per column, {@code [N, 1]},
 * float for numeric columns and string for categorical ones, with the preprocessing folded into the
 * graph (standardisation with the training statistics; one-hot encoding by comparison with the
 * training categories, all zeros for an unseen one; embedded columns as the category's index, the
 * extra last index for an unseen one, looked up with {@code Gather}). Other models have one input
 * {@code features [N, inputSize]}, the values {@code predict} reads from its CSV. Outputs: one per
 * task, named after it: class probabilities for multi-class ({@code [N, classes]}, softmax), binary
 * and multi-label tasks ({@code [N, k]}, sigmoid), values in original units for regression
 * (standardised targets mapped back with the training mean and standard deviation).
 *
 * <p>The network is not translated per strategy: its forward pass in EVAL mode runs on a {@link
 * TracingBackend}, which records each backend primitive as ONNX nodes; every sharing strategy,
 * built in or plugged in, exports the same way. Metadata ({@code metadata_props}): {@code
 * mtl4j.tasks} (JSON: name, type, classes, output), {@code mtl4j.inputs}, {@code mtl4j.strategy}.
 */
public final class OnnxExporter {
  /** The ONNX operator set the graph uses. */
  public static final int OPSET = 19;

  /** The ONNX IR version that goes with {@link #OPSET} (string {@code Equal} needs opset 19). */
  public static final int IR_VERSION = 9;

  private static final ObjectMapper JSON = new ObjectMapper();

  private OnnxExporter() {}

  /** What was written: the graph's inputs and outputs, and its node count. */
  public record Summary(List<String> inputs, List<String> outputs, int nodes) {}

  /**
   * Exports {@code model} to {@code file}.
   *
   * @param strategy the model's sharing strategy, for the metadata
   * @throws DataException when the file cannot be written
   */
  public static Summary export(TrainedModel model, String strategy, Path file) {
    ModelProto proto = build(model, strategy);
    try {
      AtomicFiles.write(file, proto::writeTo);
    } catch (IOException e) {
      throw new DataException(file + ": cannot be written: " + e.getMessage(), e);
    }
    List<String> inputs = proto.getGraph().getInputList().stream().map(v -> v.getName()).toList();
    List<String> outputs = proto.getGraph().getOutputList().stream().map(v -> v.getName()).toList();
    return new Summary(inputs, outputs, proto.getGraph().getNodeCount());
  }

  /** The ONNX model of a trained model. */
  @SuppressWarnings("unchecked")
  public static ModelProto build(TrainedModel model, String strategy) {
    Map<String, Object> pre = model.checkpoint().preprocessing();
    int inputSize = ((Number) pre.get("input_size")).intValue();
    OnnxGraphBuilder onnx = new OnnxGraphBuilder();
    List<Map<String, Object>> inputDocs = new ArrayList<>();
    String features;
    String batchSource;
    if ("csv".equals(pre.get("format"))) {
      CsvSchema schema = CsvSchema.fromMaps((List<Map<String, Object>>) pre.get("features"));
      features = csvFeatures(onnx, schema, inputDocs);
      batchSource = schema.columns().get(0).name();
    } else {
      onnx.input(
          "features",
          TensorProto.DataType.FLOAT,
          inputSize,
          "feature values, as predict reads them");
      inputDocs.add(Map.of("name", "features", "type", "float", "columns", inputSize));
      features = "features";
      batchSource = "features";
    }

    ComputeBackend backend = model.backend();
    Map<Tensor, String> parameterNames = new IdentityHashMap<>();
    for (Parameter p : model.network().parameters()) {
      parameterNames.put(p.value(), p.name());
    }
    TracingBackend tracer = new TracingBackend(backend, onnx, parameterNames);
    List<Map<String, Object>> taskDocs = new ArrayList<>();
    try (TensorScope scope = backend.openScope()) {
      Tensor x =
          backend.fromHost(
              Shape.matrix(TracingBackend.TRACE_ROWS, inputSize),
              new float[TracingBackend.TRACE_ROWS * inputSize]);
      tracer.bind(x, features, batchSource);
      Graph g = new Graph(tracer, 0L);
      NetworkOutput out = model.network().forward(g, g.constant(x), Mode.EVAL);
      Map<String, Object> labels = (Map<String, Object>) pre.getOrDefault("labels", Map.of());
      Map<String, Object> scaling =
          (Map<String, Object>) pre.getOrDefault("target_scaling", Map.of());
      for (Task t : model.network().tasks()) {
        String logits = tracer.value(out.output(t.name()).value());
        head(onnx, t, logits, (Map<String, Object>) scaling.get(t.name()));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("name", t.name());
        doc.put("type", t.type().configName());
        doc.put("columns", t.outputSize());
        doc.put("output", outputMeaning(t.type()));
        if (labels.get(t.name()) instanceof Map<?, ?> m && m.get("classes") instanceof List<?> c) {
          doc.put("classes", c);
        }
        taskDocs.add(doc);
      }
    }
    String doc =
        "mtl4j "
            + strategy
            + " network for tasks "
            + String.join(", ", model.network().tasks().stream().map(Task::name).toList());
    return ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
        .setProducerName("mtl4j")
        .setProducerVersion(version())
        .setDomain("org.mtl4j")
        .setModelVersion(1)
        .setDocString(doc)
        .setGraph(onnx.build("mtl4j", doc))
        .addMetadataProps(meta("mtl4j.tasks", json(taskDocs)))
        .addMetadataProps(meta("mtl4j.inputs", json(inputDocs)))
        .addMetadataProps(meta("mtl4j.strategy", strategy))
        .build();
  }

  /** Raw CSV columns in, the standardised / encoded feature matrix out. */
  private static String csvFeatures(
      OnnxGraphBuilder onnx, CsvSchema schema, List<Map<String, Object>> inputDocs) {
    List<String> parts = new ArrayList<>();
    for (CsvSchema.Column c : schema.columns()) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("name", c.name());
      if (!c.categorical()) {
        onnx.input(c.name(), TensorProto.DataType.FLOAT, 1, "numeric column " + c.name());
        String centred = onnx.node("Sub", names(c.name(), onnx.scalar((float) c.mean())));
        parts.add(onnx.node("Div", names(centred, onnx.scalar((float) c.std()))));
        doc.put("type", "float");
        doc.put("standardised", Map.of("mean", c.mean(), "std", c.std()));
      } else {
        onnx.input(c.name(), TensorProto.DataType.STRING, 1, "categorical column " + c.name());
        int k = c.categories().size();
        String cats = onnx.strings(new long[] {1, k}, c.categories());
        String oneHot =
            onnx.node("Cast", names(onnx.node("Equal", names(c.name(), cats))), attr("to", 1L));
        doc.put("type", "string");
        doc.put("categories", c.categories());
        if (c.embedding() == 0) {
          parts.add(oneHot);
        } else {
          // index of the category; k (the table's extra row) for an unseen one
          float[] range = new float[k];
          for (int i = 0; i < k; i++) {
            range[i] = i;
          }
          String index =
              onnx.node("MatMul", names(oneHot, onnx.floats("range", new long[] {k, 1}, range)));
          String seen = onnx.node("ReduceSum", names(oneHot, onnx.longs(1)), attr("keepdims", 1L));
          String unseen = onnx.node("Sub", names(onnx.scalar(1f), seen));
          parts.add(
              onnx.node("Add", names(index, onnx.node("Mul", names(unseen, onnx.scalar(k))))));
          doc.put("embedding", c.embedding());
        }
      }
      inputDocs.add(doc);
    }
    return parts.size() == 1 ? parts.get(0) : onnx.node("Concat", parts, attr("axis", 1L));
  }

  private static void head(
      OnnxGraphBuilder onnx, Task t, String logits, Map<String, Object> targetScaling) {
    String doc = outputMeaning(t.type());
    switch (t.type()) {
      case MULTICLASS -> onnx.nodeInto("Softmax", names(logits), t.name(), attr("axis", 1L));
      case BINARY, MULTILABEL -> onnx.nodeInto("Sigmoid", names(logits), t.name());
      case REGRESSION -> {
        if (targetScaling == null) {
          onnx.nodeInto("Identity", names(logits), t.name());
        } else {
          float[] mean = floats(targetScaling.get("mean"));
          float[] std = floats(targetScaling.get("std"));
          long[] dims = {1, mean.length};
          String scaled = onnx.node("Mul", names(logits, onnx.floats("target_std", dims, std)));
          onnx.nodeInto("Add", names(scaled, onnx.floats("target_mean", dims, mean)), t.name());
        }
      }
    }
    onnx.output(t.name(), t.outputSize(), doc);
  }

  private static String outputMeaning(TaskType type) {
    return switch (type) {
      case MULTICLASS -> "class probabilities (softmax)";
      case BINARY -> "probability of the positive class (sigmoid)";
      case MULTILABEL -> "probability of each label (sigmoid)";
      case REGRESSION -> "predicted values in the target's units";
    };
  }

  private static float[] floats(Object list) {
    List<?> l = (List<?>) list;
    float[] f = new float[l.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = ((Number) l.get(i)).floatValue();
    }
    return f;
  }

  private static StringStringEntryProto meta(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String version() {
    String v = OnnxExporter.class.getPackage().getImplementationVersion();
    return v != null ? v : "0.1.0-SNAPSHOT";
  }
}
