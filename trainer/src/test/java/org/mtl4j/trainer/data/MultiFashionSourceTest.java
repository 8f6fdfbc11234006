package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.options.OptionsException;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.DataConfig;
import org.mtl4j.trainer.config.TaskConfig;

/**
 * The {@code multi-fashion} source's recipe options: shapes, values, stored preprocessing, errors.
 */
class MultiFashionSourceTest {
  @TempDir Path tmp;

  private static final List<TaskConfig> TASKS =
      List.of(
          new TaskConfig("left", TaskType.MULTICLASS, "left", 1, List.of("accuracy")),
          new TaskConfig("right", TaskType.MULTICLASS, "right", 1, List.of("accuracy")));

  private Datasets datasets() throws Exception {
    IdxFixtures.writeFashion(tmp.resolve("fashion"), 40, 20);
    FashionMnistFiles files =
        new FashionMnistFiles(
            name -> null, tmp.resolve("debian"), tmp.resolve("cache"), Map.of(), new Downloader());
    return new Datasets(Map.of("multi-fashion", new MultiFashionSource(files)));
  }

  private Map<String, Object> options(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    m.put("dir", tmp.resolve("fashion").toString());
    m.put("download", false);
    m.put("train_size", 40);
    m.put("test_size", 20);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void theDefaultIsA36x36CompositeWithRawPixelsAndSaysSoInThePreprocessing() throws Exception {
    Dataset d = datasets().load(new DataConfig("multi-fashion", options()), TASKS, 1);
    assertEquals(36 * 36, d.inputSize());
    assertEquals(new FeatureShape(1, 36, 36), d.inputLayout().image());
    assertEquals(
        Map.of(
            "placement",
            "random",
            "pairing",
            "different-classes",
            "size",
            36,
            "mean",
            0.0,
            "std",
            1.0),
        d.preprocessing().get(MultiFashionSource.COMPOSITES));
  }

  @Test
  void theSenerKoltunRecipeGives28x28StandardisedCompositesOfEveryImage() throws Exception {
    Map<String, Object> o =
        options(
            "placement",
            "fixed",
            "pairing",
            "every-image",
            "size",
            28,
            "mean",
            0.1307,
            "std",
            0.3081);
    Dataset d = datasets().load(new DataConfig("multi-fashion", o), TASKS, 1);
    assertEquals(784, d.inputSize());
    assertEquals(new FeatureShape(1, 28, 28), d.inputLayout().image());
    assertEquals(
        Map.of(
            "placement",
            "fixed",
            "pairing",
            "every-image",
            "size",
            28,
            "mean",
            0.1307,
            "std",
            0.3081),
        d.preprocessing().get(MultiFashionSource.COMPOSITES));
    Examples train = d.train().examples();
    // fixture labels are i % 10: composite i's left item is training image i
    for (int i = 0; i < train.size(); i++) {
      assertEquals(i % 10, (int) train.targets("left")[i]);
    }
    // the top-right corner is empty on every composite: a zero pixel, standardised
    float background = (0f - 0.1307f) / 0.3081f;
    float[] x = train.features();
    for (int i = 0; i < train.size(); i++) {
      assertEquals(background, x[i * 784 + 27], 1e-6f);
    }
  }

  @Test
  void impossibleRecipeOptionsAreUserErrorsNamingTheOption() throws Exception {
    Datasets ds = datasets();
    assertEquals(
        List.of("data.options.size: '40' is not a side in [1, 36]"),
        assertThrows(
                OptionsException.class,
                () -> ds.load(new DataConfig("multi-fashion", options("size", 40)), TASKS, 1))
            .errors());
    assertEquals(
        List.of("data.options.std: '0.0' is not a finite number above 0"),
        assertThrows(
                OptionsException.class,
                () -> ds.load(new DataConfig("multi-fashion", options("std", 0.0)), TASKS, 1))
            .errors());
    List<String> errors =
        assertThrows(
                OptionsException.class,
                () ->
                    ds.load(
                        new DataConfig("multi-fashion", options("placement", "diagonal")),
                        TASKS,
                        1))
            .errors();
    assertTrue(
        errors.size() == 1
            && errors.get(0).contains("placement")
            && errors.get(0).contains("fixed"),
        errors.toString());
  }
}
