package org.mtl4j.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.options.Options;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.Dataset;
import org.mtl4j.trainer.data.Examples;
import org.mtl4j.trainer.data.FashionMnistFiles;
import org.mtl4j.trainer.data.MultiFashionSource;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * A convolutional network with batch norm (in the trunk and inside a residual block) through the
 * whole run cycle on MultiFashion images: the checkpoint keeps the running statistics under
 * PyTorch's names, a resumed run ends bit-identical to an uninterrupted one, and evaluate and
 * predict on the checkpoint reproduce the run's test scores (they would not with fresh statistics).
 */
class ConvNetworkRunTest {
  @TempDir static Path tmp;
  private static final ConfigReader READER = new ConfigReader(Mtl4j.plugins());

  @BeforeAll
  static void needsFashionMnist() {
    Assumptions.assumeTrue(
        Files.isDirectory(FashionMnistFiles.DEBIAN_DIR), "needs Debian's dataset-fashion-mnist");
  }

  private static Mtl4jConfig config(String name) {
    return READER.parse(
        """
        name: %s
        backend: cpu
        seed: 3
        data: {source: multi-fashion, options: {train_size: 640, test_size: 160, download: false}}
        tasks:
          - {name: left, type: multiclass}
          - {name: right, type: multiclass}
        model:
          strategy: hard
          trunk:
            - conv: {channels: 4, kernel: 5, stride: 2, padding: 2, bias: false}
            - bn
            - relu
            - pool: 2
            - residual: {channels: 8, stride: 2}
            - gap
          tower: [linear: 8, relu]
        optimizer: {name: adam, lr: 0.01}
        training: {epochs: 3, batch_size: 64, validation_split: 0.1}
        output: %s
        """
            .formatted(name, tmp.toString().replace("\\", "/")),
        "test",
        name);
  }

  private static Map<String, SafeTensors.Entry> weights(Path run) {
    return new CheckpointStore().load(run.resolve("checkpoint")).weights();
  }

  @Test
  void checkpointResumeEvaluateAndPredictKeepTheBatchNormStatistics() throws IOException {
    TrainingResult full = Mtl4j.trainer(config("full")).train();
    Map<String, SafeTensors.Entry> w = weights(tmp.resolve("full"));
    // the weights file under nn.Conv2d / nn.BatchNorm2d names and layouts: trunk.0 the
    // convolution, trunk.1 the batch norm, trunk.4 the residual block
    Path file;
    try (var files = Files.list(tmp.resolve("full/checkpoint"))) {
      file =
          files
              .filter(f -> f.getFileName().toString().startsWith("weights-e3"))
              .findFirst()
              .orElseThrow();
    }
    Map<String, SafeTensors.Entry> stored = SafeTensors.read(file).tensors();
    assertArrayEquals(new int[] {4, 1, 5, 5}, stored.get("trunk.0.weight").shape());
    for (String k : List.of("weight", "bias", "running_mean", "running_var")) {
      assertArrayEquals(new int[] {4}, stored.get("trunk.1." + k).shape(), "trunk.1." + k);
    }
    float[] mean = stored.get("trunk.1.running_mean").data();
    float[] var = stored.get("trunk.1.running_var").data();
    for (int c = 0; c < 4; c++) {
      assertNotEquals(0f, mean[c], "running mean of channel " + c + " was updated");
      assertNotEquals(1f, var[c], "running variance of channel " + c + " was updated");
    }
    List<String> blockStats =
        stored.keySet().stream()
            .filter(k -> k.startsWith("trunk.4.") && k.endsWith("running_var"))
            .toList();
    assertTrue(blockStats.size() >= 2, "the residual block's batch norms: " + stored.keySet());
    assertArrayEquals(mean, w.get("trunk.1.running_mean").data());

    // resume after epoch 1: bit-identical weights and running statistics
    Trainer first = Mtl4j.trainer(config("resumed"));
    first.addListener(
        new TrainingListener() {
          @Override
          public void epoch(EpochRecord record) {
            if (record.epoch() == 1) {
              first.cancel();
            }
          }
        });
    assertEquals("cancelled", first.train().stopReason());
    Map<String, SafeTensors.Entry> afterOne = weights(tmp.resolve("resumed"));
    TrainingResult resumed = Mtl4j.trainer(config("resumed")).train(tmp.resolve("resumed"), false);
    Map<String, SafeTensors.Entry> r = weights(tmp.resolve("resumed"));
    assertEquals(w.keySet(), r.keySet());
    for (String k : w.keySet()) {
      assertArrayEquals(w.get(k).data(), r.get(k).data(), k);
    }
    assertNotEquals(
        Arrays.toString(afterOne.get("trunk.1.running_mean").data()),
        Arrays.toString(mean),
        "the statistics moved after epoch 1");
    assertEquals(full.test(), resumed.test());

    // evaluate: the running statistics come back with the weights
    Map<String, TaskScores> ev = Mtl4j.trainer(config("full")).evaluate(tmp.resolve("full"));
    for (String t : List.of("left", "right")) {
      assertEquals(full.test().get(t).loss(), ev.get(t).loss(), 1e-9, t + " loss");
      assertEquals(full.test().get(t).get("accuracy"), ev.get(t).get("accuracy"), 0.0, t);
    }

    // predict on the test images, as rows of 36x36 pixels: the same accuracy
    Dataset data =
        new MultiFashionSource()
            .load(
                Options.parse(
                    config("full").data().options(),
                    new MultiFashionSource().options(),
                    "data.options"),
                config("full").tasks(),
                3);
    Examples test = data.test().examples();
    Path in = tmp.resolve("images.csv");
    Path out = tmp.resolve("predictions.csv");
    writePixels(test, in);
    assertEquals(test.size(), Mtl4j.trainer(config("full")).predict(tmp.resolve("full"), in, out));
    List<String> lines = Files.readAllLines(out);
    List<String> header = Arrays.asList(lines.get(0).split(","));
    for (String t : List.of("left", "right")) {
      int col = header.indexOf(t);
      float[] y = test.targets(t);
      int correct = 0;
      for (int i = 0; i < test.size(); i++) {
        String predicted = lines.get(i + 1).split(",")[col];
        correct += classIndex(predicted) == (int) y[i] ? 1 : 0;
      }
      assertEquals(full.test().get(t).get("accuracy"), correct / (double) test.size(), 1e-12, t);
    }

    // ONNX export: BatchNormalization with the running statistics; ONNX Runtime gives predict's
    // class probabilities
    Mtl4jConfig c = config("full");
    try (TrainedModel model =
        TrainedModel.load(
            tmp.resolve("full"),
            c,
            Mtl4j.component(c, BackendFactory.class),
            Mtl4j.component(c, NetworkFactory.class))) {
      var proto = org.mtl4j.trainer.export.OnnxExporter.build(model, "hard");
      long bn =
          proto.getGraph().getNodeList().stream()
              .filter(nd -> nd.getOpType().equals("BatchNormalization"))
              .count();
      assertTrue(bn >= 3, bn + " BatchNormalization nodes (trunk.1 and the residual block's)");
      var env = ai.onnxruntime.OrtEnvironment.getEnvironment();
      try (var session =
              env.createSession(
                  proto.toByteArray(), new ai.onnxruntime.OrtSession.SessionOptions());
          var pixels =
              ai.onnxruntime.OnnxTensor.createTensor(
                  env,
                  java.nio.FloatBuffer.wrap(test.features(), 0, test.size() * test.inputSize()),
                  new long[] {test.size(), test.inputSize()});
          var ort = session.run(Map.of("features", pixels))) {
        for (String t : List.of("left", "right")) {
          float[][] p = (float[][]) ort.get(t).orElseThrow().getValue();
          int p0 = header.indexOf(t) + 1;
          for (int i = 0; i < test.size(); i++) {
            String[] cells = lines.get(i + 1).split(",");
            for (int k = 0; k < 10; k++) {
              assertEquals(
                  Float.parseFloat(cells[p0 + k]), p[i][k], 1e-5, t + " row " + i + " class " + k);
            }
          }
        }
      }
    } catch (ai.onnxruntime.OrtException e) {
      throw new AssertionError(e);
    }
  }

  private static final List<String> CLASSES =
      List.of(
          "T-shirt/top",
          "Trouser",
          "Pullover",
          "Dress",
          "Coat",
          "Sandal",
          "Shirt",
          "Sneaker",
          "Bag",
          "Ankle boot");

  private static int classIndex(String s) {
    int k = CLASSES.indexOf(s);
    return k >= 0 ? k : Integer.parseInt(s);
  }

  private static void writePixels(Examples e, Path file) throws IOException {
    int d = e.inputSize();
    List<String> lines = new ArrayList<>();
    StringBuilder h = new StringBuilder();
    for (int c = 0; c < d; c++) {
      h.append(c == 0 ? "" : ",").append("p").append(c);
    }
    lines.add(h.toString());
    float[] x = e.features();
    for (int i = 0; i < e.size(); i++) {
      StringBuilder b = new StringBuilder();
      for (int c = 0; c < d; c++) {
        b.append(c == 0 ? "" : ",").append(x[i * d + c]);
      }
      lines.add(b.toString());
    }
    Files.write(file, lines);
  }
}
