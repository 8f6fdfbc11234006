package org.mtl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.trainer.cli.Main;
import org.mtl4j.trainer.config.ConfigException;

/**
 * The {@code spark.mtl4j.*} properties that choose the mode of {@code mtl4j train --spark-master}.
 */
class SparkDistributedTrainingTest {
  @TempDir Path tmp;

  @Test
  void defaultsToSyncOnTheDefaultParallelism() {
    SparkTrainingOptions o = SparkDistributedTraining.options(new SparkConf(false), 3);
    assertEquals(TrainingMode.SYNC, o.mode());
    assertEquals(3, o.partitions());
    assertEquals(8, o.averageEvery());
  }

  @Test
  void readsModeAverageEveryAndPartitions() {
    SparkConf c =
        new SparkConf(false)
            .set(SparkDistributedTraining.MODE, "average")
            .set(SparkDistributedTraining.AVERAGE_EVERY, "4")
            .set(SparkDistributedTraining.PARTITIONS, "5");
    SparkTrainingOptions o = SparkDistributedTraining.options(c, 2);
    assertEquals(TrainingMode.AVERAGE, o.mode());
    assertEquals(4, o.averageEvery());
    assertEquals(5, o.partitions());
  }

  @Test
  void aWrongValueNamesThePropertyAndTheValue() {
    ConfigException mode =
        assertThrows(
            ConfigException.class,
            () ->
                SparkDistributedTraining.options(
                    new SparkConf(false).set(SparkDistributedTraining.MODE, "asynchronous"), 2));
    assertTrue(
        mode.getMessage().contains("spark.mtl4j.mode: 'asynchronous' is not one of sync, average"),
        mode.getMessage());
    ConfigException k =
        assertThrows(
            ConfigException.class,
            () ->
                SparkDistributedTraining.options(
                    new SparkConf(false).set(SparkDistributedTraining.AVERAGE_EVERY, "0"), 2));
    assertTrue(
        k.getMessage().contains("spark.mtl4j.averageEvery: '0' is not an integer >= 1"),
        k.getMessage());
    String longValue = "x".repeat(500) + "\n";
    ConfigException p =
        assertThrows(
            ConfigException.class,
            () ->
                SparkDistributedTraining.options(
                    new SparkConf(false).set(SparkDistributedTraining.PARTITIONS, longValue), 2));
    assertTrue(p.getMessage().length() < 200, p.getMessage());
  }

  @Test
  void theCliRefusesAWrongModeWithExitTwoBeforeStartingSpark() throws Exception {
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(
        cfg,
        """
        name: bad-mode
        data: {source: synthetic-mmoe, options: {input_size: 4, train_size: 32, test_size: 8}}
        tasks:
          - {name: t1, type: regression, label: task1, metrics: [rmse]}
        output: %s
        """
            .formatted(tmp.toString().replace("\\", "/")));
    System.setProperty(SparkDistributedTraining.MODE, "fast");
    int code;
    try {
      code = Main.execute("train", "-c", cfg.toString(), "--spark-master", "local[1]", "-q");
    } finally {
      System.clearProperty(SparkDistributedTraining.MODE);
    }
    assertEquals(2, code);
  }
}
