package org.mtl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.cli.Main;

/** {@code mtl4j train --spark-master local[2]} finds this module through the trainer's SPI. */
class SparkCliTest {
  @TempDir Path tmp;

  @Test
  void trainWithASparkMasterRunsOnSparkAndWritesTheCheckpoint() throws Exception {
    Path cfg = tmp.resolve("spark-cli.yaml");
    Files.writeString(
        cfg,
        """
        name: spark-cli
        backend: cpu
        seed: 3
        data: {source: synthetic-mmoe, options: {input_size: 8, train_size: 256, test_size: 64}}
        tasks:
          - {name: t1, type: regression, label: task1, metrics: [rmse]}
          - {name: t2, type: regression, label: task2, metrics: [rmse]}
        model: {strategy: hard, hidden: [8]}
        training: {epochs: 1, batch_size: 32, validation_split: 0.0}
        output: %s
        """
            .formatted(tmp.toString().replace("\\", "/")));
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      code = Main.execute("train", "-c", cfg.toString(), "--spark-master", "local[2]", "-q");
    } finally {
      System.setOut(saved);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed);
    assertTrue(printed.contains("completed: 8 steps"), printed);
    assertTrue(printed.contains("on 2 partitions, SYNC mode"), printed);
    assertTrue(printed.contains("test t1:"), printed);
    assertEquals(
        1, new CheckpointStore().load(tmp.resolve("spark-cli").resolve("checkpoint")).epoch());
  }
}
