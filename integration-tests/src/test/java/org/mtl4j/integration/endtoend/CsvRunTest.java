package org.mtl4j.integration.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.training.BackendFactory;
import org.mtl4j.trainer.training.NetworkFactory;
import org.mtl4j.trainer.training.Predictor;
import org.mtl4j.trainer.training.TrainedModel;

/**
 * The CSV path end to end: {@code customers.csv} has a binary task (churn) and a regression task
 * (spend) whose label is empty for some rows (masked, not dropped). Trained once by the CLI; then
 * {@code evaluate} and {@code predict} on the saved checkpoint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CsvRunTest {

  private Path tmp;
  private Path runDir;
  private CliRun train;
  private final Path input = CliRun.repoRoot().resolve("examples/data/customers.csv");

  @BeforeAll
  void trainOnce(@TempDir Path dir) throws IOException {
    tmp = dir;
    Path cfg = tmp.resolve("customers.yaml");
    Files.writeString(cfg, Configs.customers(tmp.resolve("runs"), 15));
    train = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertEquals(0, train.exitCode(), train.toString());
    runDir = tmp.resolve("runs/customers");
  }

  @Test
  void someSpendLabelsAreMissingInTheData() throws IOException {
    long missing = Files.readAllLines(input).stream().skip(1).filter(l -> l.endsWith(",")).count();
    assertTrue(missing > 10, "the fixture should lack some spend labels: " + missing);
  }

  @Test
  void bothTasksLearn() {
    double acc = metric(train.out(), "churn", "accuracy");
    double auc = metric(train.out(), "churn", "auc");
    double rmse = metric(train.out(), "spend", "rmse");
    // the churn base rate and a constant-spend predictor are the chance levels
    assertTrue(acc > 0.7, "churn accuracy " + acc);
    assertTrue(auc > 0.7, "churn AUC " + auc + " (0.5 is chance)");
    assertTrue(rmse < stdOfSpend(), "spend rmse " + rmse + " not below the label's std");
  }

  private double stdOfSpend() throws RuntimeException {
    try {
      List<Double> v = new ArrayList<>();
      for (String l : Files.readAllLines(input).subList(1, Files.readAllLines(input).size())) {
        String[] c = l.split(",", -1);
        if (!c[c.length - 1].isEmpty()) {
          v.add(Double.parseDouble(c[c.length - 1]));
        }
      }
      double mean = v.stream().mapToDouble(d -> d).average().orElseThrow();
      return Math.sqrt(v.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum() / v.size());
    } catch (IOException e) {
      throw new RuntimeException(e);
    }
  }

  @Test
  void evaluateReproducesTheTrainingRunsTestMetrics() {
    CliRun eval =
        CliRun.of(
            "evaluate",
            runDir.toString(),
            "--data",
            CliRun.repoRoot().resolve("examples/data/customers.csv").toString(),
            "-q");
    assertEquals(0, eval.exitCode(), eval.toString());
    for (String task : List.of("churn", "spend")) {
      String trained = scoreLine(train.out(), task);
      String evaluated = scoreLine(eval.out(), task);
      assertEquals(trained, evaluated, "train vs evaluate for " + task);
    }
  }

  @Test
  void predictWritesOneColumnPerTaskOutput() throws IOException {
    Path out = tmp.resolve("pred.csv");
    CliRun r =
        CliRun.of("predict", runDir.toString(), "-i", input.toString(), "-o", out.toString(), "-q");
    assertEquals(0, r.exitCode(), r.toString());
    List<String> lines = Files.readAllLines(out);
    assertEquals(Files.readAllLines(input).size(), lines.size(), "one row per input row");
    // binary: the predicted label and P(positive); regression: the value
    assertEquals("churn,churn_p,spend", lines.get(0));
    for (String l : lines.subList(1, lines.size())) {
      String[] c = l.split(",", -1);
      assertEquals(lines.get(0).split(",").length, c.length, l);
      assertTrue(c[0].equals("yes") || c[0].equals("no"), l);
      for (int i = 1; i < c.length; i++) {
        assertTrue(Double.isFinite(Double.parseDouble(c[i])), l);
      }
    }
  }

  @Test
  void predictOnInputLackingAFeatureColumnNamesFileAndColumn() throws IOException {
    Path in = tmp.resolve("no-age.csv");
    List<String> lines = Files.readAllLines(input);
    Files.write(in, lines.stream().map(l -> l.replaceFirst("^([^,]*),[^,]*,", "$1,")).toList());
    Path out = tmp.resolve("never.csv");
    CliRun r =
        CliRun.of("predict", runDir.toString(), "-i", in.toString(), "-o", out.toString(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertEquals(
        "mtl4j: " + in + ":1: the header has no feature column 'age'\n", r.err(), r.toString());
    assertFalse(Files.exists(out), "a partial prediction file was left");
  }

  @Test
  void predictOnANonNumericCellNamesFileLineAndColumn() throws IOException {
    Path in = tmp.resolve("bad-cell.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(input));
    lines.set(5, lines.get(5).replaceFirst("^([^,]*),[^,]*,", "$1,old,"));
    Files.write(in, lines);
    Path out = tmp.resolve("never2.csv");
    CliRun r =
        CliRun.of("predict", runDir.toString(), "-i", in.toString(), "-o", out.toString(), "-q");
    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(
        r.err().startsWith("mtl4j: " + in + ":6, column 'age': 'old' is not a finite number"),
        r.err());
    assertFalse(Files.exists(out), "a partial prediction file was left");
  }

  @Test
  void predictFromEightThreadsOnOneModelMatchesOneThread() throws Exception {
    Mtl4jConfig config = Mtl4j.readConfig(runDir.resolve("config.yaml"));
    try (TrainedModel model =
        TrainedModel.load(
            runDir,
            config,
            Mtl4j.component(config, BackendFactory.class),
            Mtl4j.component(config, NetworkFactory.class))) {
      Path single = tmp.resolve("single.csv");
      Predictor.predict(model, input, single);
      String expected = Files.readString(single);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          Path o = tmp.resolve("t" + i + ".csv");
          results.add(
              pool.submit(
                  () -> {
                    for (int rep = 0; rep < 3; rep++) {
                      Predictor.predict(model, input, o);
                    }
                    return Files.readString(o);
                  }));
        }
        for (Future<String> f : results) {
          assertEquals(expected, f.get());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  static String scoreLine(String out, String task) {
    Matcher m = Pattern.compile("(?m)^  " + task + "\\s+(.*)$").matcher(out);
    assertTrue(m.find(), "no line for " + task + " in\n" + out);
    return m.group(1).strip();
  }

  static double metric(String out, String task, String metric) {
    Matcher m = Pattern.compile("\\b" + metric + " (-?[0-9.]+)").matcher(scoreLine(out, task));
    assertTrue(m.find(), metric + " missing for " + task);
    assertFalse(m.group(1).isEmpty());
    return Double.parseDouble(m.group(1));
  }
}
