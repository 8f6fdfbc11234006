package org.mtl4j.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.testing.DataSourceContract;

/** The built-in data sources load through ServiceLoader and pass the conformance kit's contract. */
class BuiltInSourcesContractTest {
  static TaskConfig task(String name, TaskType type, String label) {
    return new TaskConfig(
        name, type, label, 1.0, List.of(type == TaskType.REGRESSION ? "rmse" : "accuracy"));
  }

  @Test
  void serviceLoaderFindsTheFiveBuiltInSources() {
    TreeSet<String> names = new TreeSet<>();
    ServiceLoader.load(DataSource.class).forEach(s -> names.add(s.name()));
    assertEquals(
        new TreeSet<>(
            List.of("csv", "fashion-mnist", "image-folder", "multi-fashion", "synthetic-mmoe")),
        names);
  }

  @Test
  void syntheticMmoe() {
    Dataset d =
        DataSourceContract.check(
            new SyntheticMmoeSource(),
            Map.of("input_size", 8, "train_size", 64, "test_size", 16),
            List.of(
                task("a", TaskType.REGRESSION, "task1"), task("b", TaskType.REGRESSION, "task2")));
    assertEquals(64, d.train().size());
    assertEquals(8, d.inputSize());
  }

  @Test
  void csv() {
    Path csv = Path.of("..", "examples", "data", "customers.csv");
    Dataset d =
        DataSourceContract.check(
            new CsvSource(),
            Map.of(
                "path",
                csv.toString(),
                "test_split",
                0.2,
                "categorical",
                "plan,region",
                "ignore",
                "customer_id"),
            List.of(
                task("churn", TaskType.BINARY, "churned"),
                task("spend", TaskType.REGRESSION, "next_month_spend")));
    assertTrue(d.test().size() > 0);
  }

  @Test
  void fashionMnist() {
    assumeTrue(Files.isDirectory(FashionMnistFiles.DEBIAN_DIR), "needs dataset-fashion-mnist");
    Dataset d =
        DataSourceContract.check(
            new FashionMnistSource(),
            Map.of("download", false),
            List.of(
                task("category", TaskType.MULTICLASS, "category"),
                task("footwear", TaskType.BINARY, "footwear")));
    assertEquals(784, d.inputSize());
    assertEquals(10, d.tasks().get(0).outputSize());
  }

  /** The contract fails a source that is not registered: it can fail. */
  @Test
  void contractRejectsAnUnregisteredSource() {
    DataSource unlisted =
        new DataSource() {
          @Override
          public String name() {
            return "unlisted";
          }

          @Override
          public String description() {
            return "not in META-INF/services";
          }

          @Override
          public List<org.mtl4j.api.options.OptionSpec> options() {
            return List.of();
          }

          @Override
          public Dataset load(
              org.mtl4j.api.options.Options options, List<TaskConfig> tasks, long seed) {
            throw new AssertionError("not reached");
          }
        };
    assertThrows(AssertionError.class, () -> DataSourceContract.discoverable(unlisted));
  }
}
