package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.DataConfig;
import org.mtl4j.trainer.config.TaskConfig;

/** The checks {@link Datasets} makes before a source loads: path options name what they should. */
class DatasetsTest {
  @TempDir Path tmp;

  private static final List<TaskConfig> CSV_TASKS =
      List.of(new TaskConfig("y", TaskType.REGRESSION, "y", 1, List.of("rmse")));
  private static final List<TaskConfig> FASHION_TASKS =
      List.of(new TaskConfig("c", TaskType.MULTICLASS, "category", 1, List.of("accuracy")));
  private static final String CSV_EXPECTED =
      "; expected a CSV file with a header line (the training data)";
  private static final String FASHION_EXPECTED =
      "; expected a folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,"
          + " t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz";

  private Datasets datasets() {
    FashionMnistFiles files =
        new FashionMnistFiles(
            name -> null, tmp.resolve("debian"), tmp.resolve("cache"), Map.of(), new Downloader());
    return new Datasets(
        Map.of(
            "csv", new CsvSource(),
            "fashion-mnist", new FashionMnistSource(files),
            "multi-fashion", new MultiFashionSource(files)));
  }

  private List<String> errors(String source, Map<String, Object> options, List<TaskConfig> t) {
    return assertThrows(
            ConfigException.class, () -> datasets().load(new DataConfig(source, options), t, 1))
        .errors();
  }

  @Test
  void aMissingCsvFileIsReportedWithItsConfigPathValueAndExpectation() {
    Path missing = tmp.resolve("no-such.csv");
    assertEquals(
        List.of(
            "data.options.path: '" + missing + "': no such file" + CSV_EXPECTED,
            "data.options.test_path: '"
                + missing
                + "': no such file; expected a CSV file with a header line (the test data)"),
        errors(
            "csv", Map.of("path", missing.toString(), "test_path", missing.toString()), CSV_TASKS));
  }

  @Test
  void aRelativePathNamesWhereItWasLookedFor() {
    String relative = "no/such/data.csv";
    assertEquals(
        List.of(
            "data.options.path: '"
                + relative
                + "': no such file (looked for "
                + Path.of(relative).toAbsolutePath().normalize()
                + ")"
                + CSV_EXPECTED),
        errors("csv", Map.of("path", relative), CSV_TASKS));
  }

  @Test
  void aFolderWhereAFileIsExpectedIsReported() {
    assertEquals(
        List.of("data.options.path: '" + tmp + "': is a folder, not a file" + CSV_EXPECTED),
        errors("csv", Map.of("path", tmp.toString()), CSV_TASKS));
  }

  @Test
  void anExistingCsvFileLoadsAndABlankTestPathIsNotChecked() throws Exception {
    Path csv = tmp.resolve("d.csv");
    StringBuilder sb = new StringBuilder("x,y\n");
    for (int i = 0; i < 10; i++) {
      sb.append(i).append(',').append(2 * i).append('\n');
    }
    Files.writeString(csv, sb);
    Dataset d =
        datasets()
            .load(
                new DataConfig("csv", Map.of("path", csv.toString(), "test_path", " ")),
                CSV_TASKS,
                1);
    assertEquals(10, d.train().size() + d.test().size());
  }

  @Test
  void fashionMnistFoldersAreCheckedForEverySourceThatReadsThem() throws Exception {
    Path missing = tmp.resolve("no-such-folder");
    for (String source : List.of("fashion-mnist", "multi-fashion")) {
      assertEquals(
          List.of("data.options.dir: '" + missing + "': no such folder" + FASHION_EXPECTED),
          errors(source, Map.of("dir", missing.toString(), "download", false), FASHION_TASKS),
          source);
    }
    Path file = Files.writeString(tmp.resolve("a-file.gz"), "x");
    assertEquals(
        List.of("data.options.dir: '" + file + "': is a file, not a folder" + FASHION_EXPECTED),
        errors("fashion-mnist", Map.of("dir", file.toString()), FASHION_TASKS));
  }

  @Test
  void everySourcesRegressionTargetsAreStandardisedOnTheTrainingRowsUnlessSwitchedOff() {
    Datasets d = new Datasets(Map.of("synthetic-mmoe", new SyntheticMmoeSource()));
    DataConfig data =
        new DataConfig(
            "synthetic-mmoe",
            Map.of("train_size", 500, "test_size", 100, "input_size", 4, "scale", 3.0));
    List<TaskConfig> tasks =
        List.of(
            new TaskConfig("a", TaskType.REGRESSION, "task1", 1, List.of("rmse")),
            new TaskConfig("b", TaskType.REGRESSION, "task2", 1, List.of("rmse"))
                .withStandardize(false));
    Dataset raw = d.load(data, List.of(tasks.get(0).withStandardize(false), tasks.get(1)), 1);
    Dataset scaled = d.load(data, tasks, 1);
    float[] y = raw.train().examples().targets("a");
    double mean = 0;
    for (float v : y) {
      mean += v;
    }
    mean /= y.length;
    double ss = 0;
    for (float v : y) {
      ss += (v - mean) * (v - mean);
    }
    double std = Math.sqrt(ss / y.length);
    TargetScaling s = scaled.train().examples().scaling();
    assertEquals(mean, s.stats("a").mean()[0], 1e-9 * Math.max(1, Math.abs(mean)));
    assertEquals(std, s.stats("a").std()[0], 1e-9 * std);
    assertEquals(null, s.stats("b"), "standardize: false");
    float[] z = scaled.train().examples().targets("a");
    float[] zTest = scaled.test().examples().targets("a");
    float[] yTest = raw.test().examples().targets("a");
    for (int i = 0; i < z.length; i++) {
      assertEquals((y[i] - mean) / std, z[i], 1e-5);
    }
    // the test rows with the training statistics; unscaling gives the original values back
    assertEquals((yTest[3] - mean) / std, zTest[3], 1e-5);
    assertEquals(yTest[3], s.unscale("a", zTest, zTest.length)[3], 1e-5 * Math.abs(yTest[3]));
    assertArrayEquals(raw.train().examples().targets("b"), scaled.train().examples().targets("b"));
    assertSame(TargetScaling.NONE, raw.train().examples().scaling(), "nothing to scale");
    // the statistics travel with the preprocessing (checkpoint.json) and read back the same
    TargetScaling back = TargetScaling.of(scaled.preprocessing());
    assertEquals(s.stats("a").mean()[0], back.stats("a").mean()[0]);
    assertEquals(s.stats("a").std()[0], back.stats("a").std()[0]);
  }

  @Test
  void positiveOnASourceWithItsOwnClassesIsAConfigError() {
    Datasets d = new Datasets(Map.of("synthetic-mmoe", new SyntheticMmoeSource()));
    DataConfig data =
        new DataConfig(
            "synthetic-mmoe", Map.of("train_size", 50, "test_size", 10, "input_size", 4));
    List<TaskConfig> tasks =
        List.of(new TaskConfig("a", TaskType.BINARY, "task1", 1, List.of("auc"), true, "1"));
    assertEquals(
        List.of(
            "tasks[0].positive: the synthetic-mmoe source defines its own classes; expected no"
                + " positive (it applies to label columns of the csv source)"),
        assertThrows(ConfigException.class, () -> d.load(data, tasks, 1)).errors());
  }
}
