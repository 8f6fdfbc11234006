package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.TaskConfig;

class SyntheticSourcesTest {
  @TempDir Path tmp;

  private static final List<TaskConfig> MMOE =
      List.of(
          new TaskConfig("a", TaskType.REGRESSION, "task1", 1, List.of("rmse")),
          new TaskConfig("b", TaskType.REGRESSION, "task2", 1, List.of("rmse")));

  private static Dataset mmoe(double p, long seed) {
    SyntheticMmoeSource s = new SyntheticMmoeSource();
    Map<String, Object> o = new HashMap<>();
    o.put("correlation", p);
    o.put("train_size", 2000);
    o.put("test_size", 10);
    o.put("input_size", 12);
    return s.load(Options.parse(o, s.options(), "data.options"), MMOE, seed);
  }

  private static double correlation(float[] x, float[] y) {
    double mx = 0;
    double my = 0;
    for (int i = 0; i < x.length; i++) {
      mx += x[i];
      my += y[i];
    }
    mx /= x.length;
    my /= y.length;
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  @Test
  void mmoeLabelCorrelationFollowsP() {
    Dataset same = mmoe(1.0, 3);
    Dataset apart = mmoe(0.0, 3);
    Examples s = same.train().examples();
    Examples a = apart.train().examples();
    assertTrue(correlation(s.targets("a"), s.targets("b")) > 0.98, "p = 1: identical tasks");
    assertTrue(
        Math.abs(correlation(a.targets("a"), a.targets("b"))) < 0.2, "p = 0: unrelated tasks");
    assertEquals(12, same.inputSize());
    assertArrayEquals(s.features(), mmoe(1.0, 3).train().examples().features(), "seeded");
  }

  @Test
  void mmoeRejectsCorrelationOutsideMinusOneOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mmoe(1.5, 1));
    assertEquals("data.options.correlation: '1.5' is not in [-1, 1]", e.getMessage());
  }

  @Test
  void multiFashionUsesTrainingImagesForTrainingAndTestImagesForTesting() throws Exception {
    IdxFixtures.writeFashion(tmp, 40, 20);
    FashionMnistFiles files =
        new FashionMnistFiles(k -> null, tmp, tmp.resolve("cache"), Map.of(), new Downloader());
    MultiFashionSource src = new MultiFashionSource(files);
    Map<String, Object> o = new HashMap<>();
    o.put("train_size", 30);
    o.put("test_size", 7);
    List<TaskConfig> tasks =
        List.of(
            new TaskConfig("l", TaskType.MULTICLASS, "left", 1, List.of("accuracy")),
            new TaskConfig("r", TaskType.MULTICLASS, "right", 1, List.of("accuracy")));
    Dataset d = src.load(Options.parse(o, src.options(), "data.options"), tasks, 9);
    assertEquals(30, d.train().size());
    assertEquals(7, d.test().size());
    assertEquals(36 * 36, d.inputSize());
    assertEquals(10, d.tasks().get(0).outputSize());
    float[] l = d.train().examples().targets("l");
    float[] r = d.train().examples().targets("r");
    for (int i = 0; i < l.length; i++) {
      assertTrue(l[i] != r[i], "row " + i + " has two different classes");
    }
  }
}
