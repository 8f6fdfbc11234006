package org.mtl4j.strategies;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.LayerShape;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.LayerStack;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.nn.Module;
import org.mtl4j.api.nn.Sequential;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

/**
 * What the strategies compute on layer-list specs, against independent constructions from {@link
 * LayerStack} with the same names and seeds.
 */
class LayeredNetworksTest {
  private static final int N = 4;
  private static final List<Task> TWO =
      List.of(Task.of("a", TaskType.REGRESSION, 2), Task.of("c", TaskType.MULTICLASS, 3));

  private static ReferenceBackend backend() {
    return new ReferenceBackend(ReferenceBackend.Precision.DOUBLE);
  }

  private static Sequential stack(
      ReferenceBackend b, String name, List<LayerSpec> layers, LayerShape in, long seed) {
    return LayerStack.build(b, name, layers, in, ConvSpecs.lenetLike().init(), seed, 1f);
  }

  private static Var run(Graph g, List<Module> modules, Var x, Mode mode) {
    for (Module m : modules) {
      x = m.forward(g, x, mode);
    }
    return x;
  }

  private static void assertClose(String what, double[] want, double[] got, double tol) {
    assertEquals(want.length, got.length, what + ": length");
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], tol, what + " [" + i + "]");
    }
  }

  private static void fill(ReferenceBackend b, Parameter p, double v) {
    double[] values = new double[p.shape().size()];
    java.util.Arrays.fill(values, v);
    b.uploadDoubles(values, p.value());
  }

  // ------------------------------------------------------------------------------------ hard

  @Test
  void hardTrunkIsTheLayerStackAndItsBatchNormStatisticsAreTheBuffers() {
    NetworkSpec spec = ConvSpecs.lenetLike();
    try (ReferenceBackend b = backend();
        MultiTaskNetwork net = Fixtures.build("hard", Map.of(), spec, TWO, b, 3);
        Sequential ref = stack(b, "trunk", spec.trunk(), spec.inputShape(), Seeds.trunk(3));
        TensorScope s = b.openScope()) {
      assertEquals(Weights.names(ref.parameters()), Weights.names(net.sharedParameters()));
      assertEquals("trunk.7.weight", net.lastSharedWeight().orElseThrow().name());
      assertEquals(
          List.of("trunk.1.running_mean", "trunk.1.running_var"),
          net.buffers().stream().map(Buffer::name).toList());
      Tensor x = Fixtures.inputs(b, N, spec.inputSize(), 7);
      Graph g = new Graph(b, 1);
      NetworkOutput out = net.forward(g, g.constant(x), Mode.EVAL);
      assertEquals(Shape.matrix(N, 5), out.representation().shape());
      assertClose(
          "representation",
          b.doubles(ref.forward(g, g.constant(x), Mode.EVAL).value()),
          b.doubles(out.representation().value()),
          0);
      double[] before = b.doubles(net.buffers().get(0).value());
      net.forward(g, g.constant(x), Mode.EVAL);
      assertArrayEquals(before, b.doubles(net.buffers().get(0).value()), "EVAL keeps statistics");
      net.forward(g, g.constant(x), Mode.TRAIN);
      assertFalse(
          java.util.Arrays.equals(before, b.doubles(net.buffers().get(0).value())),
          "a TRAIN forward updates the running mean");
    }
  }

  @Test
  void hardLastSharedWeightIsTheResidualBlocksSecondConvolution() {
    try (ReferenceBackend b = backend();
        MultiTaskNetwork net = Fixtures.build("hard", Map.of(), ConvSpecs.residual(), TWO, b, 3)) {
      assertEquals("trunk.3.conv2.weight", net.lastSharedWeight().orElseThrow().name());
      assertEquals(
          List.of("tower.a.0.weight", "tower.a.0.bias", "tower.a.2.weight", "tower.a.2.bias"),
          Weights.names(net.taskParameters("a")));
      assertEquals(8, net.buffers().size(), "trunk bn, block bn1, bn2 and shortcut bn");
    }
  }

  // ---------------------------------------------------------------------------- cross-stitch

  @Test
  void crossStitchMixesFeatureMapsPerChannel() {
    NetworkSpec spec = ConvSpecs.lenetLike();
    long seed = 9;
    try (ReferenceBackend b = backend();
        MultiTaskNetwork net = Fixtures.build("cross-stitch", Map.of(), spec, TWO, b, seed);
        TensorScope s = b.openScope()) {
      Parameter unit0 = Weights.named(net, "cross_stitch.0");
      Parameter unit1 = Weights.named(net, "cross_stitch.1");
      assertEquals(Shape.matrix(2, 6), unit0.shape(), "3 channels: one 2x2 α each");
      assertEquals(Shape.matrix(2, 2), unit1.shape(), "flat features: one 2x2 α");
      SplittableRandom r = new SplittableRandom(4);
      double[] alpha = new double[12];
      for (int i = 0; i < alpha.length; i++) {
        alpha[i] = r.nextDouble() * 2 - 1;
      }
      b.uploadDoubles(alpha, unit0.value());
      b.uploadDoubles(new double[] {1, 0, 0, 1}, unit1.value());
      Tensor x = Fixtures.inputs(b, N, spec.inputSize(), 2);
      Graph g = new Graph(b, 1);
      NetworkOutput out = net.forward(g, g.constant(x), Mode.EVAL);

      List<Sequential> columns = new ArrayList<>();
      List<double[]> block0 = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Sequential c =
            stack(
                b,
                "column." + TWO.get(t).name(),
                spec.trunk(),
                spec.inputShape(),
                Seeds.column(seed, t));
        columns.add(c);
        block0.add(b.doubles(run(g, c.layers().subList(0, 5), g.constant(x), Mode.EVAL).value()));
      }
      int per = 9; // 3x3 positions per channel
      for (int i = 0; i < 2; i++) {
        double[] mixed = new double[block0.get(0).length];
        for (int k = 0; k < mixed.length; k++) {
          int channel = (k / per) % 3;
          mixed[k] =
              alpha[i * 6 + channel] * block0.get(0)[k]
                  + alpha[i * 6 + 3 + channel] * block0.get(1)[k];
        }
        Tensor m = b.allocate(Shape.of(N, 3, 3, 3));
        b.uploadDoubles(mixed, m);
        Var h = run(g, columns.get(i).layers().subList(5, 10), g.constant(m), Mode.EVAL);
        try (Module tower = Towers.tower(b, spec, TWO.get(i), i, spec.representationSize(), seed)) {
          assertClose(
              "task " + TWO.get(i).name(),
              b.doubles(tower.forward(g, h, Mode.EVAL).value()),
              b.doubles(out.output(TWO.get(i).name()).value()),
              1e-12);
        }
      }
      columns.forEach(Sequential::close);
    }
  }

  // ------------------------------------------------------------------------------------ soft

  @Test
  void softCouplesCorrespondingConvolutionKernelsAndLinearWeights() {
    NetworkSpec spec = ConvSpecs.lenetLike();
    try (ReferenceBackend b = backend();
        MultiTaskNetwork net = Fixtures.build("soft", Map.of("lambda", 0.5), spec, TWO, b, 5)) {
      double want = 0;
      for (String layer : List.of("0", "4", "7")) {
        double[] w0 = b.doubles(Weights.named(net, "column.a." + layer + ".weight").value());
        double[] w1 = b.doubles(Weights.named(net, "column.c." + layer + ".weight").value());
        for (int i = 0; i < w0.length; i++) {
          double d = (w0[i] - w1[i]) / 2;
          want += 2 * d * d;
        }
      }
      assertTrue(want > 0);
      assertEquals(0.5 * want, Weights.penalty(b, net), 1e-12 * want);
      assertEquals(4, net.buffers().size(), "each column keeps its own batch-norm statistics");
    }
  }

  // ------------------------------------------------------------------------------ ple, ltb

  @Test
  void pleLevelsTakeConsecutiveGroupsOfBlocks() {
    NetworkSpec spec = ConvSpecs.lenetLike();
    try (ReferenceBackend b = backend();
        MultiTaskNetwork net = Fixtures.build("ple", Map.of("levels", 2), spec, TWO, b, 5)) {
      assertEquals(
          Shape.of(3, 2, 3, 3), Weights.named(net, "level0.expert.shared.0.0.weight").shape());
      assertEquals(Shape.of(4, 3, 2, 2), Weights.named(net, "level1.expert.a.0.0.weight").shape());
      assertEquals(Shape.matrix(16, 5), Weights.named(net, "level1.expert.c.0.3.weight").shape());
    }
    try (ReferenceBackend b = backend()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Fixtures.build("ple", Map.of("levels", 3), spec, TWO, b, 5));
      assertTrue(
          e.getMessage().contains("levels is 3 but the trunk layer list has 2 blocks"),
          e.getMessage());
    }
  }

  @Test
  void learningToBranchNeedsTwoBlocks() {
    NetworkSpec oneBlock =
        ConvSpecs.spec(
            new FeatureShape(1, 5, 5),
            List.of(new LayerSpec.Conv(2, 3), ConvSpecs.TANH, new LayerSpec.Flat()),
            List.of(),
            List.of());
    try (ReferenceBackend b = backend()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Fixtures.build("learning-to-branch", Map.of(), oneBlock, TWO, b, 5));
      assertTrue(e.getMessage().contains("has 1 block"), e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------ mtan

  /**
   * MTAN recomputed from the paper's equations with independently built modules, each task's shared
   * attention block applied to that task alone: {@code a_0 = mask(p_0)}, {@code f_0 = a_0 ⊙ p_0},
   * {@code a_1 = mask([p_1 ; g_1(f_0)])}, {@code f_1 = a_1 ⊙ p_1}, output {@code tower(f_1)}.
   */
  @Test
  void mtanFollowsTheAttentionEquations() {
    NetworkSpec spec = ConvSpecs.lenetLike();
    long seed = 13;
    for (Mode mode : List.of(Mode.EVAL, Mode.TRAIN)) {
      try (ReferenceBackend b = backend();
          MultiTaskNetwork net = Fixtures.build("mtan", Map.of(), spec, TWO, b, seed);
          Sequential trunk = stack(b, "trunk", spec.trunk(), spec.inputShape(), Seeds.trunk(seed));
          TensorScope s = b.openScope()) {
        LayerShape shape0 = LayerShape.image(new FeatureShape(3, 3, 3));
        LayerShape shape1 = LayerShape.flat(5);
        try (Sequential block =
            stack(
                b,
                "attention.block.1",
                spec.trunk().subList(4, 9),
                shape0,
                Seeds.attentionBlock(seed, 1))) {
          Tensor x = Fixtures.inputs(b, N, spec.inputSize(), 3);
          Graph g = new Graph(b, 1);
          NetworkOutput out = net.forward(g, g.constant(x), mode);
          assertNull(out.representation());
          Var p0 = run(g, trunk.layers().subList(0, 5), g.constant(x), mode);
          Var p1 = run(g, trunk.layers().subList(5, 10), p0, mode);
          for (int t = 0; t < 2; t++) {
            String name = TWO.get(t).name();
            try (Sequential mask0 =
                    stack(
                        b,
                        "attention." + name + ".0",
                        MtanProvider.maskLayers(shape0, 1),
                        shape0,
                        Seeds.attention(seed, t, 0));
                Sequential mask1 =
                    stack(
                        b,
                        "attention." + name + ".1",
                        MtanProvider.maskLayers(shape1, 1),
                        LayerShape.flat(10),
                        Seeds.attention(seed, t, 1));
                Module tower = Towers.tower(b, spec, TWO.get(t), t, 5, seed)) {
              Var f0 = g.mul(mask0.forward(g, p0, mode), p0);
              Var h = block.forward(g, g.reshape(f0, Shape.matrix(N, 27)), mode);
              Var f1 = g.mul(mask1.forward(g, g.concatColumns(List.of(p1, h)), mode), p1);
              assertClose(
                  mode + " task " + name,
                  b.doubles(tower.forward(g, f1, mode).value()),
                  b.doubles(out.output(name).value()),
                  1e-12);
            }
          }
        }
      }
    }
  }

  @Test
  void mtanWithSaturatedMasksIsHardSharing() {
    Map<String, NetworkSpec> specs =
        Map.of(
            "mlp", Fixtures.SMALL, "conv", ConvSpecs.lenetLike(), "residual", ConvSpecs.residual());
    for (Map.Entry<String, NetworkSpec> e : specs.entrySet()) {
      NetworkSpec spec = e.getValue();
      try (ReferenceBackend b = backend();
          MultiTaskNetwork mtan = Fixtures.build("mtan", Map.of(), spec, Fixtures.TASKS, b, 21);
          MultiTaskNetwork hard = Fixtures.build("hard", Map.of(), spec, Fixtures.TASKS, b, 21)) {
        int saturated = 0;
        for (Parameter p : mtan.parameters()) {
          // the bias of the mask's last linear layer, or the shift of its last batch norm
          if (p.name().matches("attention\\.[a-z]+\\.\\d\\.(2\\.bias|4\\.beta)")) {
            fill(b, p, 40);
            saturated++;
          }
        }
        // residual: conv, bn, tanh, residual, gap is one block (the gap holds no weights)
        assertEquals(3 * (e.getKey().equals("residual") ? 1 : 2), saturated, e.getKey());
        Tensor x = Fixtures.inputs(b, N, spec.inputSize(), 8);
        Map<String, double[]> want = new HashMap<>();
        Weights.outputs(b, hard, x).forEach((k, v) -> want.put(k, toDoubles(v)));
        Map<String, float[]> got = Weights.outputs(b, mtan, x);
        for (Task t : Fixtures.TASKS) {
          assertClose(
              e.getKey() + " " + t.name(), want.get(t.name()), toDoubles(got.get(t.name())), 1e-6);
        }
        x.close();
      }
    }
  }

  private static double[] toDoubles(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }

  @Test
  void mtanPartitionsTrunkAndAttentionBlocksFromEachTasksMasks() {
    try (ReferenceBackend b = backend();
        MultiTaskNetwork net = Fixtures.build("mtan", Map.of(), ConvSpecs.lenetLike(), TWO, b, 1)) {
      List<String> shared = Weights.names(net.sharedParameters());
      assertEquals("trunk.0.weight", shared.get(0));
      assertTrue(shared.contains("attention.block.1.0.weight"), shared.toString());
      assertEquals("trunk.7.weight", net.lastSharedWeight().orElseThrow().name());
      List<String> mine = Weights.names(net.taskParameters("a"));
      assertEquals(
          List.of(
              "attention.a.0.0.weight",
              "attention.a.0.0.bias",
              "attention.a.0.1.gamma",
              "attention.a.0.1.beta",
              "attention.a.0.3.weight",
              "attention.a.0.3.bias",
              "attention.a.0.4.gamma",
              "attention.a.0.4.beta",
              "attention.a.1.0.weight",
              "attention.a.1.0.bias",
              "attention.a.1.2.weight",
              "attention.a.1.2.bias",
              "tower.a.0.weight",
              "tower.a.0.bias",
              "tower.a.out.weight",
              "tower.a.out.bias"),
          mine);
      assertEquals(
          List.of(
              "trunk.1.running_mean",
              "trunk.1.running_var",
              "attention.a.0.1.running_mean",
              "attention.a.0.1.running_var",
              "attention.a.0.4.running_mean",
              "attention.a.0.4.running_var",
              "attention.c.0.1.running_mean",
              "attention.c.0.1.running_var",
              "attention.c.0.4.running_mean",
              "attention.c.0.4.running_var"),
          net.buffers().stream().map(Buffer::name).toList());
    }
  }
}
