package org.mtl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import org.mtl4j.trainer.config.Mtl4jConfig;

/**
 * Spark in local mode with two worker threads ({@code local[2,2]}: two cores, and a failed task is
 * retried once, which plain {@code local[2]} does not do) against the single-machine trainer.
 */
class SparkTrainerTest {
  private static JavaSparkContext sc;
  @TempDir static Path out;

  @BeforeAll
  static void start() {
    sc =
        new JavaSparkContext(
            new SparkConf()
                .setMaster("local[2,2]")
                .setAppName("mtl4j-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1"));
    sc.setLogLevel("WARN");
  }

  @AfterAll
  static void stop() {
    sc.close();
  }

  /** 1600 synthetic MMoE examples, batch 32: one epoch is 50 steps. */
  static Mtl4jConfig synthetic(String name, String weighting, String optimizer, int epochs) {
    String yaml =
        """
        name: %s
        backend: cpu
        seed: 7
        data:
          source: synthetic-mmoe
          options: {input_size: 16, train_size: 1600, test_size: 200}
        tasks:
          - {name: t1, type: regression, label: task1, metrics: [rmse]}
          - {name: t2, type: regression, label: task2, metrics: [rmse]}
        model: {strategy: hard, hidden: [24], tower: [8], activation: relu}
        weighting: %s
        optimizer: %s
        training: {epochs: %d, batch_size: 32, validation_split: 0.0}
        output: %s
        """
            .formatted(name, weighting, optimizer, epochs, out);
    return Mtl4j.configReader().parse(yaml, name, name);
  }

  static Map<String, SafeTensors.Entry> localWeights(Mtl4jConfig c, Path resume) {
    Mtl4j.trainer(c).train(resume, false);
    return new CheckpointStore().load(Path.of(c.output(), c.name(), "checkpoint")).weights();
  }

  static double maxAbsDiff(Map<String, SafeTensors.Entry> expected, Map<String, float[]> actual) {
    assertEquals(expected.keySet(), actual.keySet(), "parameter names");
    double max = 0;
    for (var e : expected.entrySet()) {
      float[] a = e.getValue().data();
      float[] b = actual.get(e.getKey());
      assertEquals(a.length, b.length, e.getKey());
      for (int i = 0; i < a.length; i++) {
        max = Math.max(max, Math.abs(a[i] - b[i]));
      }
    }
    return max;
  }

  static Map<String, float[]> arrays(Map<String, SafeTensors.Entry> w) {
    Map<String, float[]> m = new java.util.HashMap<>();
    w.forEach((k, v) -> m.put(k, v.data()));
    return m;
  }

  @Test
  void synchronousModeMatchesLocalTrainingAfter50Steps() {
    String[][] cases = {
      {"{method: uncertainty}", "{name: adam, lr: 0.003}"},
      {"{method: pcgrad}", "{name: sgd, lr: 0.05, momentum: 0.9}"},
    };
    for (String[] c : cases) {
      String tag = c[0].contains("pcgrad") ? "pcgrad" : "uncertainty";
      Map<String, SafeTensors.Entry> local =
          localWeights(synthetic("local-" + tag, c[0], c[1], 1), null);
      SparkTrainingResult r =
          new SparkTrainer(
                  sc, synthetic("sync-" + tag, c[0], c[1], 1), SparkTrainingOptions.sync(2))
              .train();
      assertEquals(50, r.metrics().steps());
      double diff = maxAbsDiff(local, r.parameters());
      assertTrue(diff < 1e-5, tag + ": max |local - spark| = " + diff);
      // a moved model, not two untouched initialisations
      SparkTrainingResult zero =
          new SparkTrainer(
                  sc, synthetic("sync0-" + tag, c[0], c[1], 1), SparkTrainingOptions.sync(1))
              .train();
      assertTrue(maxAbsDiff(local, zero.parameters()) < 1e-5, tag + ": 1 partition");
      assertTrue(
          r.metrics().broadcasts() == 50 && r.metrics().bytesPerBroadcast() > 1000,
          "one parameter broadcast per step: " + r.metrics());
      assertEquals(
          2,
          r.metrics().shardBuilds(),
          "each partition builds its shard once, not per step: " + r.metrics());
      assertEquals(0, ShardCache.size(), "shards released after the run");
      System.out.printf("sync %s: max diff %.2e; %s%n", tag, diff, r.metrics());
    }
  }

  @Test
  void aFailedTaskIsRetriedAndChangesNothing() {
    String w = "{method: equal}";
    String o = "{name: adam, lr: 0.003}";
    for (SparkTrainingOptions opt :
        new SparkTrainingOptions[] {
          SparkTrainingOptions.sync(2), SparkTrainingOptions.average(2, 4)
        }) {
      SparkTrainingResult clean =
          new SparkTrainer(sc, synthetic("clean-" + opt.mode(), w, o, 1), opt).train();
      SparkTrainingResult failed =
          new SparkTrainer(
                  sc,
                  synthetic("fail-" + opt.mode(), w, o, 1),
                  opt.withFailure(new FailureInjection(9, 1)))
              .train();
      for (var e : clean.parameters().entrySet()) {
        float[] a = e.getValue();
        float[] b = failed.parameters().get(e.getKey());
        for (int i = 0; i < a.length; i++) {
          assertEquals(a[i], b[i], 0f, opt.mode() + " " + e.getKey() + "[" + i + "]");
        }
      }
    }
  }

  @Test
  void checkpointsResumeAcrossLocalAndSpark() {
    String w = "{method: equal}";
    String o = "{name: adam, lr: 0.003}";
    Map<String, SafeTensors.Entry> straight = localWeights(synthetic("straight", w, o, 2), null);
    // Spark writes epoch 1, the local trainer continues to epoch 2
    SparkTrainingResult first =
        new SparkTrainer(sc, synthetic("spark-e1", w, o, 1), SparkTrainingOptions.sync(2)).train();
    Map<String, SafeTensors.Entry> localAfterSpark =
        localWeights(synthetic("local-e2", w, o, 2), first.checkpointDir());
    assertTrue(maxAbsDiff(straight, arrays(localAfterSpark)) < 1e-5, "spark -> local");
    // the local trainer writes epoch 1, Spark continues to epoch 2
    Mtl4jConfig localE1 = synthetic("local-e1", w, o, 1);
    localWeights(localE1, null);
    SparkTrainingResult second =
        new SparkTrainer(sc, synthetic("spark-e2", w, o, 2), SparkTrainingOptions.sync(2))
            .train(Path.of(localE1.output(), localE1.name()));
    assertEquals(2, second.history().size());
    assertEquals(100, new CheckpointStore().load(second.checkpointDir()).step());
    assertTrue(maxAbsDiff(straight, second.parameters()) < 1e-5, "local -> spark");
  }

  @Test
  void representationGradientsAreRefusedInSyncMode() {
    Mtl4jConfig c =
        synthetic("rep", "{method: pcgrad, options: {rep_grad: true}}", "{name: sgd, lr: 0.05}", 1);
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> new SparkTrainer(sc, c, SparkTrainingOptions.sync(2)).train());
    assertTrue(e.getMessage().contains("rep_grad"), e.getMessage());
  }

  @Test
  void aDistributedRunNeverReplacesAFinishedRun() {
    Mtl4jConfig c = synthetic("once", "{method: equal}", "{name: sgd, lr: 0.05}", 1);
    new SparkTrainer(sc, c, SparkTrainingOptions.sync(2)).train();
    Path weights = Path.of(c.output(), "once", "checkpoint");
    org.mtl4j.trainer.run.RunFolderException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            org.mtl4j.trainer.run.RunFolderException.class,
            () -> new SparkTrainer(sc, c, SparkTrainingOptions.sync(2)).train());
    assertTrue(e.getMessage().contains("holds a run") && e.getMessage().contains("--resume"));
    assertEquals(1, new CheckpointStore().load(weights).epoch(), "the finished run is intact");
  }

  @Test
  void batchNormNetworksAreRefusedNotTrainedWithStaleStatistics() {
    String yaml =
        """
        name: bn
        backend: cpu
        seed: 7
        data:
          source: multi-fashion
          options: {dir: %s, download: false, train_size: 64, test_size: 32}
        tasks:
          - {name: left, type: multiclass, label: left, metrics: [accuracy]}
          - {name: right, type: multiclass, label: right, metrics: [accuracy]}
        model:
          strategy: hard
          trunk: [{conv: {channels: 4, kernel: 5}}, bn, relu, {pool: 4}, flatten]
        training: {epochs: 1, batch_size: 32, validation_split: 0.0}
        output: %s
        """
            .formatted("/usr/share/datasets/fashion-mnist", out);
    Mtl4jConfig c = Mtl4j.configReader().parse(yaml, "bn", "bn");
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> new SparkTrainer(sc, c, SparkTrainingOptions.sync(2)).train());
    assertTrue(e.getMessage().contains("batch-norm running statistics"), e.getMessage());
  }
}
