package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.DataConfig;
import org.mtl4j.trainer.config.TaskConfig;

/** Fashion-MNIST split into disjoint halves, one task labelled on each. */
class TaskDataSetsTest {
  @Test
  void disjointHalvesAreStackedWithEachTaskLabelledOnItsOwnHalf() {
    Assumptions.assumeTrue(
        Files.isDirectory(FashionMnistFiles.DEBIAN_DIR), "needs Debian's dataset-fashion-mnist");
    Map<String, Object> limits = Map.of("train_limit", 1000, "test_limit", 300, "download", false);
    List<TaskConfig> tasks =
        List.of(
            new TaskConfig("category", TaskType.MULTICLASS, "category", 1, List.of("accuracy"))
                .withData(new DataConfig("fashion-mnist", limits, 1, 2)),
            new TaskConfig("group", TaskType.MULTICLASS, "group", 1, List.of("accuracy"))
                .withData(new DataConfig("fashion-mnist", limits, 2, 2)));
    Datasets datasets = new Datasets(Map.of("fashion-mnist", new FashionMnistSource()));
    Dataset halves = datasets.load(null, tasks, 1);
    Dataset whole =
        datasets.load(
            new DataConfig("fashion-mnist", limits),
            tasks.stream().map(t -> t.withData(null)).toList(),
            1);
    Examples h = halves.train().examples();
    Examples w = whole.train().examples();
    assertEquals(1000, h.size());
    assertEquals(300, halves.test().size());
    assertNull(w.mask("category"));
    for (int i = 0; i < 1000; i++) {
      // the same images in the same order; category on rows 0..499, group on 500..999
      assertEquals(w.features()[i * 784 + 400], h.features()[i * 784 + 400]);
      assertEquals(i < 500 ? 1f : 0f, h.mask("category")[i]);
      assertEquals(i < 500 ? 0f : 1f, h.mask("group")[i]);
      String own = i < 500 ? "category" : "group";
      assertEquals(w.targets(own)[i], h.targets(own)[i]);
    }
    assertEquals(List.of(10, 4), halves.tasks().stream().map(t -> t.outputSize()).toList());
    List<?> sets = (List<?>) halves.preprocessing().get("data_sets");
    assertEquals(
        Map.of(
            "config",
            "tasks[1].data",
            "source",
            "fashion-mnist",
            "tasks",
            List.of("group"),
            "part",
            "2/2",
            "train_rows",
            500,
            "test_rows",
            150),
        sets.get(1));
  }
}
