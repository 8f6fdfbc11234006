package org.mtl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.Mtl4jConfig;

/** Spark runs refuse per-task data sets and one-task-per-step schedules before anything starts. */
class SparkPerTaskDataTest {
  private static Mtl4jConfig config(String groupData, String sampling) {
    return Mtl4j.configReader()
        .parse(
            """
            data: {source: fashion-mnist}
            tasks:
              - {name: category, type: multiclass, label: category}
              - {name: group, type: multiclass, label: group%s}
            training: {sampling: %s}
            """
                .formatted(groupData, sampling),
            "t.yaml",
            "t");
  }

  @Test
  void perTaskDataAndOneTaskSchedulesAreRefusedWithTheirConfigPath() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                SparkTrainer.refusePerTaskData(
                    config(", data: {source: fashion-mnist, part: 2/2}", "alternating")));
    assertEquals(
        List.of(
            "tasks[1].data: Spark training reads one data set, partitioned over the executors;"
                + " per-task data sets train locally (drop --spark-master), or give the tasks one"
                + " file with their missing labels empty",
            "training.sampling: 'alternating' trains one task per step, which Spark training does"
                + " not schedule; use training.sampling: mixed or train locally"),
        e.errors());
    SparkTrainer.refusePerTaskData(config("", "mixed"));
  }
}
