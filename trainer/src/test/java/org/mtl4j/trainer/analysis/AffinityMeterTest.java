package org.mtl4j.trainer.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Init;
import org.mtl4j.api.nn.Linear;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.optim.Adam;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.testing.ReferenceBackend;

/**
 * Tasks with known relations, all read from one shared linear output so that their gradients on the
 * shared parameters relate exactly as the targets do: {@code copy1} and {@code copy2} have the same
 * target, {@code opposite} its negation, {@code random} an unrelated one.
 */
class AffinityMeterTest {
  static final int N = 64;
  static final int D = 6;
  static final List<Task> TASKS =
      List.of(
          Task.of("copy1", TaskType.REGRESSION, 1),
          Task.of("copy2", TaskType.REGRESSION, 1),
          Task.of("opposite", TaskType.REGRESSION, 1),
          Task.of("random", TaskType.REGRESSION, 1));

  /** Every task reads the same shared linear output. */
  static final class FullySharedNetwork implements MultiTaskNetwork {
    final Linear shared;

    FullySharedNetwork(ComputeBackend b, Init init) {
      shared = new Linear(b, "shared", D, 1, init, 11L);
    }

    @Override
    public List<Task> tasks() {
      return TASKS;
    }

    @Override
    public List<Parameter> sharedParameters() {
      return shared.parameters();
    }

    @Override
    public List<Parameter> taskParameters(String task) {
      return List.of();
    }

    @Override
    public NetworkOutput forward(Graph g, Var input, Mode mode) {
      Var out = shared.forward(g, input, mode);
      Map<String, Var> outs = new HashMap<>();
      for (Task t : TASKS) {
        outs.put(t.name(), out);
      }
      return new NetworkOutput(outs, null);
    }
  }

  static Batch batch(ComputeBackend b, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] x = new float[N * D];
    float[] y = new float[N];
    float[] r = new float[N];
    for (int i = 0; i < N; i++) {
      double s = 0;
      for (int j = 0; j < D; j++) {
        x[i * D + j] = (float) rng.nextDouble(-1, 1);
        s += (j + 1) * x[i * D + j];
      }
      y[i] = (float) s;
      r[i] = (float) rng.nextDouble(-3, 3);
    }
    float[] neg = new float[N];
    for (int i = 0; i < N; i++) {
      neg[i] = -y[i];
    }
    Map<String, Tensor> targets = new HashMap<>();
    targets.put("copy1", b.fromHost(Shape.column(N), y));
    targets.put("copy2", b.fromHost(Shape.column(N), y));
    targets.put("opposite", b.fromHost(Shape.column(N), neg));
    targets.put("random", b.fromHost(Shape.column(N), r));
    return new Batch(b.fromHost(Shape.matrix(N, D), x), targets, Map.of());
  }

  @Test
  void signsComeOutAsConstructedAndTheOppositeTaskIsSeparated(@TempDir Path dir) throws Exception {
    try (ReferenceBackend b = new ReferenceBackend()) {
      // zero initial weights: predictions are 0, so the copies' gradients are identical and the
      // opposite task's exactly their negation
      FullySharedNetwork net = new FullySharedNetwork(b, Init.ZEROS);
      AffinityMeter meter = new AffinityMeter(TASKS, 0.05, 1);
      for (int epoch = 0; epoch < 3; epoch++) {
        meter.measure(net, batch(b, epoch), b, epoch);
      }
      AffinityReport r = AffinityReport.of(meter.statistics(), 2);
      double[][] z = r.affinity();
      double[][] cos = r.cosine();
      assertTrue(z[0][1] > 0 && z[1][0] > 0, "copies help each other: " + z[0][1]);
      assertEquals(1.0, cos[0][1], 1e-5);
      assertTrue(z[0][2] < 0 && z[2][0] < 0, "the opposite task hurts: " + z[0][2]);
      assertEquals(-1.0, cos[0][2], 1e-5);
      assertEquals(1.0, r.conflict()[0][2], 0.0);
      assertEquals(0.0, r.conflict()[0][1], 0.0);
      List<List<String>> groups = r.groupNames();
      for (List<String> g : groups) {
        if (g.contains("opposite")) {
          assertFalse(g.contains("copy1") || g.contains("copy2"), "grouping " + groups);
        }
      }
      assertTrue(
          groups.stream().anyMatch(g -> g.contains("copy1") && g.contains("copy2")),
          "copies grouped together: " + groups);
      assertTrue(r.lines().stream().anyMatch(l -> l.startsWith("conflicts: copy1 and opposite")));
      assertTrue(r.lines().stream().anyMatch(l -> l.startsWith("helps: copy1 and copy2")));

      AffinityReportWriter.write(r, meter.statistics(), dir);
      List<String> csv = Files.readAllLines(dir.resolve("affinity.csv"));
      assertEquals(5, csv.size());
      assertEquals("source\\target,copy1,copy2,opposite,random", csv.get(0));
      assertEquals(z[2][0], Double.parseDouble(csv.get(3).split(",")[1]), 1e-5);
      var heat = ImageIO.read(dir.resolve("affinity.png").toFile());
      assertTrue(heat.getWidth() >= 130 + 4 * 48, "one cell column per task");
      // the cell (opposite -> copy1) is blue (negative), (copy1 -> copy2) is red (positive)
      int cell = Math.max(48, Math.min(96, 640 / 4));
      int neg = heat.getRGB(130 + 2, 60 + 2 * cell + 2);
      int pos = heat.getRGB(130 + cell + 2, 60 + 2);
      assertTrue((neg & 0xFF) > ((neg >> 16) & 0xFF), "negative cell is blue");
      assertTrue(((pos >> 16) & 0xFF) > (pos & 0xFF), "positive cell is red");
      assertTrue(ImageIO.read(dir.resolve("conflict.png").toFile()).getHeight() > 0);
      assertFalse(Files.exists(dir.resolve("affinity.csv.tmp")));
    }
  }

  @Test
  void measuringLeavesParametersGradientsAndOptimiserUntouched() {
    try (ReferenceBackend b = new ReferenceBackend()) {
      float[] withMeter = train(b, true);
      float[] without = train(b, false);
      assertArrayEquals(without, withMeter);
    }
  }

  private static float[] train(ComputeBackend b, boolean measure) {
    FullySharedNetwork net = new FullySharedNetwork(b, Init.XAVIER_UNIFORM);
    AffinityMeter meter = new AffinityMeter(TASKS, 0.1, 2);
    try (Adam adam = Adam.defaults(b, 0.01)) {
      for (int step = 0; step < 6; step++) {
        Batch batch = batch(b, step);
        try (TensorScope s = b.openScope()) {
          if (measure && meter.shouldSample(step)) {
            meter.measure(net, batch, b, 0);
          }
          Graph g = new Graph(b, step);
          NetworkOutput out = net.forward(g, g.constant(batch.features()), Mode.TRAIN);
          Var loss = g.mse(out.output("copy1"), batch.target("copy1"), null);
          g.backward(loss);
          adam.step(net.sharedParameters());
          adam.zeroGrad(net.sharedParameters());
        }
      }
      return b.toHost(net.shared.weight().value());
    } finally {
      net.close();
    }
  }
}
