package org.mtl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.training.TrainingResult;

/**
 * Fashion-MNIST (the Debian copy in /usr/share/datasets/fashion-mnist): parameter averaging against
 * local training, and the communication figures of synchronous mode for 1 and 2 partitions.
 */
class FashionMnistSparkTest {
  private static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
  private static JavaSparkContext sc;
  @TempDir static Path out;

  @BeforeAll
  static void start() {
    Assumptions.assumeTrue(Files.isDirectory(DATA), "Fashion-MNIST is not installed in " + DATA);
    sc =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2]")
                .setAppName("mtl4j-fashion")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1"));
    sc.setLogLevel("WARN");
  }

  @AfterAll
  static void stop() {
    if (sc != null) {
      sc.close();
    }
  }

  static Mtl4jConfig fashion(String name, int trainLimit, int epochs) {
    String yaml =
        """
        name: %s
        backend: cpu
        seed: 42
        data:
          source: fashion-mnist
          options: {dir: %s, download: false, train_limit: %d}
        tasks:
          - {name: category, type: multiclass, label: category, metrics: [accuracy]}
          - {name: footwear, type: binary, label: footwear, metrics: [accuracy]}
        model: {strategy: hard, hidden: [128], activation: relu}
        weighting: {method: equal}
        optimizer: {name: adam, lr: 0.001}
        training: {epochs: %d, batch_size: 64, validation_split: 0.0}
        output: %s
        """
            .formatted(name, DATA, trainLimit, epochs, out);
    return Mtl4j.configReader().parse(yaml, name, name);
  }

  /** All 60,000 training images, 2 epochs; all 10,000 test images. */
  @Test
  void parameterAveragingMatchesLocalAccuracyWithinOnePoint() {
    TrainingResult local = Mtl4j.trainer(fashion("local", 0, 2)).train();
    SparkTrainingResult avg =
        new SparkTrainer(sc, fashion("average", 0, 2), SparkTrainingOptions.average(2, 8)).train();
    double a = local.test().get("category").get("accuracy");
    double b = avg.test().get("category").get("accuracy");
    System.out.printf(
        "Fashion-MNIST category accuracy: local %.4f, averaging (2 x k=8) %.4f; %s%n",
        a, b, avg.metrics());
    assertTrue(a > 0.80, "local training learns: " + a);
    assertTrue(Math.abs(a - b) <= 0.01, "local " + a + " vs averaging " + b);
    assertEquals(2 * 938, avg.metrics().steps());
  }

  /** Steps/s and bytes per step of synchronous mode on 1 and 2 partitions (100 steps each). */
  @Test
  void synchronousCommunicationFigures() {
    long params = (784L * 128 + 128) + (128L * 10 + 10) + (128 + 1);
    // warm-up (JIT, Spark's scheduler), so the first measured configuration is not penalised
    new SparkTrainer(sc, fashion("warmup", 3200, 1), SparkTrainingOptions.sync(2)).train();
    for (int partitions = 1; partitions <= 2; partitions++) {
      SparkTrainingResult r =
          new SparkTrainer(
                  sc, fashion("sync" + partitions, 6400, 1), SparkTrainingOptions.sync(partitions))
              .train();
      SparkRunMetrics m = r.metrics();
      System.out.printf(
          "sync, %d partition(s): %.2f steps/s, broadcast %.0f B/step,"
              + " aggregated %.0f B/step, total %.0f B/step%n",
          partitions,
          m.stepsPerSecond(),
          m.bytesPerBroadcast(),
          (double) m.aggregatedBytes() / m.steps(),
          m.bytesPerStep());
      assertEquals(100, m.steps());
      assertEquals(4.0 * params, m.bytesPerBroadcast(), 0.0);
      // each partition sends, per task, the gradient of the shared trunk plus that task's head
      long perPartition = 4L * (2 * (784L * 128 + 128) + (128L * 10 + 10) + (128 + 1)) + 32;
      assertEquals(partitions * perPartition, (double) m.aggregatedBytes() / m.steps(), 0.0);
    }
  }
}
