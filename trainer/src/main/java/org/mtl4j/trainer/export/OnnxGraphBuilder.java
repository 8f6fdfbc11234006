package org.mtl4j.trainer.export;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.trainer.export.onnx.OnnxModel.AttributeProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.GraphProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.NodeProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.TensorProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.TensorShapeProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.TypeProto;
import org.mtl4j.trainer.export.onnx.OnnxModel.ValueInfoProto;

/**
 * Collects the nodes, initialisers, inputs and outputs of one ONNX graph and hands out unique value
 * names. Every method that adds a node returns the name of its (first) output.
 */
final class OnnxGraphBuilder {
  /** The symbolic name of the batch dimension of inputs and outputs. */
  static final String BATCH = "N";

  private final GraphProto.Builder graph = GraphProto.newBuilder();
  private int counter;

  /** A fresh value name with the given stem. */
  String fresh(String stem) {
    return stem + "_" + counter++;
  }

  /** Adds a node with one output and returns that output's name. */
  String node(String op, List<String> inputs, AttributeProto... attributes) {
    String out = fresh(op.toLowerCase(java.util.Locale.ROOT));
    nodeInto(op, inputs, out, attributes);
    return out;
  }

  /** Adds a node whose one output has the given name. */
  void nodeInto(String op, List<String> inputs, String output, AttributeProto... attributes) {
    NodeProto.Builder n =
        NodeProto.newBuilder().setOpType(op).setName("n" + counter++).addOutput(output);
    n.addAllInput(inputs);
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    graph.addNode(n);
  }

  /** A float initialiser of the given dims (row-major values). */
  String floats(String stem, long[] dims, float[] values) {
    String name = fresh(stem);
    ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      buf.putFloat(v);
    }
    buf.flip();
    graph.addInitializer(
        tensor(name, TensorProto.DataType.FLOAT, dims).setRawData(ByteString.copyFrom(buf)));
    return name;
  }

  /** A scalar float initialiser. */
  String scalar(float v) {
    return floats("c", new long[0], new float[] {v});
  }

  /** An int64 initialiser (shapes, axes, indices). */
  String longs(long... values) {
    String name = fresh("i");
    TensorProto.Builder t = tensor(name, TensorProto.DataType.INT64, new long[] {values.length});
    for (long v : values) {
      t.addInt64Data(v);
    }
    graph.addInitializer(t);
    return name;
  }

  /** A string initialiser of the given dims. */
  String strings(long[] dims, List<String> values) {
    String name = fresh("s");
    TensorProto.Builder t = tensor(name, TensorProto.DataType.STRING, dims);
    for (String v : values) {
      t.addStringData(ByteString.copyFrom(v, StandardCharsets.UTF_8));
    }
    graph.addInitializer(t);
    return name;
  }

  /** A graph input {@code [N, columns]} of the given element type. */
  void input(String name, TensorProto.DataType type, int columns, String doc) {
    graph.addInput(valueInfo(name, type, columns).setDocString(doc));
  }

  /** A graph output {@code [N, columns]} of floats. */
  void output(String name, int columns, String doc) {
    graph.addOutput(valueInfo(name, TensorProto.DataType.FLOAT, columns).setDocString(doc));
  }

  GraphProto build(String name, String doc) {
    return graph.setName(name).setDocString(doc).build();
  }

  static AttributeProto attr(String name, long v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  static AttributeProto attr(String name, float v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(v)
        .build();
  }

  /** An integer-list attribute (kernel shape, strides, pads, dilations). */
  static AttributeProto ints(String name, long... v) {
    AttributeProto.Builder a =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  private static TensorProto.Builder tensor(String name, TensorProto.DataType type, long[] dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    return t;
  }

  private static ValueInfoProto.Builder valueInfo(
      String name, TensorProto.DataType type, int columns) {
    TensorShapeProto shape =
        TensorShapeProto.newBuilder()
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
            .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
            .build();
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(
                    TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)));
  }

  /** Names of several values, in order. */
  static List<String> names(String... names) {
    return new ArrayList<>(List.of(names));
  }
}
