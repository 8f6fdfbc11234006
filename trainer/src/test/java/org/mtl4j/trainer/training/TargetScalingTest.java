package org.mtl4j.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * Issue 14's data: two regression targets four orders of magnitude apart (std about 40,000 and 1.7)
 * beside a binary task, all with real signal in the features. Raw targets let the large MSE swamp
 * the others; standardised targets (the default) let every task learn.
 */
class TargetScalingTest {
  @TempDir Path tmp;
  private final ConfigReader reader = new ConfigReader(Mtl4j.plugins());
  private Path train;
  private Path test;

  /** Columns id, x1..x4, price (mean 250,000, std ~40,000), rate (mean 5, std ~1.7), buys. */
  private static String rows(int n, long seed, double missing) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("id,x1,x2,x3,x4,price,rate,buys\n");
    for (int i = 0; i < n; i++) {
      double x1 = r.nextGaussian();
      double x2 = r.nextGaussian();
      double x3 = r.nextGaussian();
      double x4 = r.nextGaussian();
      // three tasks reading two shared non-linear factors of the features
      double s1 = x1 + 0.6 * x2 * x3;
      double s2 = Math.tanh(x4 - 0.5 * x1);
      double price = 250_000 + 30_000 * s1 + 20_000 * s2 + 6_000 * r.nextGaussian();
      double rate = 5 + 1.0 * s1 - 1.2 * s2 + 0.4 * r.nextGaussian();
      boolean buys = s1 + 1.5 * s2 > 0.3;
      // as in real tables, a regression label is often missing: an empty cell, masked out
      boolean noPrice = r.nextDouble() < missing;
      boolean noRate = r.nextDouble() < missing;
      sb.append(
          String.format(
              Locale.ROOT,
              "r%d,%.5f,%.5f,%.5f,%.5f,%s,%s,%s%n",
              i,
              x1,
              x2,
              x3,
              x4,
              noPrice ? "" : String.format(Locale.ROOT, "%.2f", price),
              noRate ? "" : String.format(Locale.ROOT, "%.4f", rate),
              buys ? "yes" : "no"));
    }
    return sb.toString();
  }

  @BeforeEach
  void writeData() throws Exception {
    train = tmp.resolve("train.csv");
    test = tmp.resolve("test.csv");
    Files.writeString(train, rows(1200, 11, 0.0));
    Files.writeString(test, rows(400, 12, 0));
  }

  private Mtl4jConfig config(String name, String standardize) {
    return config(name, standardize, 20);
  }

  private Mtl4jConfig config(String name, String standardize, int epochs) {
    return reader.parse(
        """
        name: %s
        backend: cpu
        seed: 3
        data: {source: csv, options: {path: %s, test_path: %s, id: id}}
        tasks:
          - {name: price, type: regression, label: price, metrics: [rmse, mae] %s}
          - {name: rate, type: regression, label: rate, metrics: [rmse, mae] %s}
          - {name: buys, type: binary, label: buys, positive: 'yes', metrics: [auc, accuracy]}
        model: {strategy: hard, hidden: [64, 64], tower: [32]}
        optimizer: {name: adam, lr: 0.003}
        training: {epochs: %d, batch_size: 64, validation_split: 0.1}
        output: %s
        """
            .formatted(
                name, slash(train), slash(test), standardize, standardize, epochs, slash(tmp)),
        "test",
        name);
  }

  private static String slash(Path p) {
    return p.toString().replace("\\", "/");
  }

  /** The non-empty cells of column {@code c} of a CSV written by {@link #rows}, as numbers. */
  private static double[] column(Path csv, int c) throws Exception {
    List<String> lines = Files.readAllLines(csv);
    return lines.stream()
        .skip(1)
        .map(l -> l.split(",", -1)[c])
        .filter(v -> !v.isEmpty())
        .mapToDouble(Double::parseDouble)
        .toArray();
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** RMSE of predicting {@code c} for every value. */
  private static double rmse(double[] v, double c) {
    double s = 0;
    for (double x : v) {
      s += (x - c) * (x - c);
    }
    return Math.sqrt(s / v.length);
  }

  /**
   * What predicting the training mean (regression) or the majority class scores on the test rows.
   */
  private record Constant(double priceRmse, double rateRmse, double majority) {}

  private Constant constant() throws Exception {
    List<String> lines = Files.readAllLines(test);
    int yes = 0;
    for (int i = 1; i < lines.size(); i++) {
      yes += lines.get(i).endsWith(",yes") ? 1 : 0;
    }
    double majority = Math.max(yes, lines.size() - 1 - yes) / (double) (lines.size() - 1);
    return new Constant(
        rmse(column(test, 5), mean(column(train, 5))),
        rmse(column(test, 6), mean(column(train, 6))),
        majority);
  }

  @Test
  void standardisedTargetsLetEveryTaskBeatItsConstantPredictorAndTheSwitchRestoresRawTargets()
      throws Exception {
    Constant k = constant();
    TrainingResult on = Mtl4j.trainer(config("scaled", "")).train(null, true);
    TrainingResult off = Mtl4j.trainer(config("raw", ", standardize: false")).train(null, true);
    String report =
        String.format(
            Locale.ROOT,
            "constant: price %.1f rate %.4f majority %.4f%n"
                + "scaled:   price %.1f rate %.4f buys auc %.4f acc %.4f dm %+.4f%n"
                + "raw:      price %.1f rate %.4f buys auc %.4f acc %.4f",
            k.priceRmse(),
            k.rateRmse(),
            k.majority(),
            on.test().get("price").get("rmse"),
            on.test().get("rate").get("rmse"),
            on.test().get("buys").get("auc"),
            on.test().get("buys").get("accuracy"),
            on.deltaM(),
            off.test().get("price").get("rmse"),
            off.test().get("rate").get("rmse"),
            off.test().get("buys").get("auc"),
            off.test().get("buys").get("accuracy"));
    for (var c : on.baselines()) {
      report +=
          String.format(
              Locale.ROOT,
              "%n  %s %s mtl %.4f stl %.4f gain %+.4f",
              c.task(),
              c.metric(),
              c.multiTask(),
              c.singleTask(),
              c.gain());
    }
    System.out.println(report);
    // defaults: every task beats its constant predictor on held-out rows, Δm not worse than -1%
    assertTrue(on.test().get("price").get("rmse") < 0.8 * k.priceRmse(), report);
    assertTrue(on.test().get("rate").get("rmse") < 0.8 * k.rateRmse(), report);
    assertTrue(on.test().get("buys").get("accuracy") > k.majority() + 0.05, report);
    assertTrue(on.test().get("buys").get("auc") > 0.8, report);
    assertTrue(on.deltaM() > -0.01, report);
    // --baselines compares every metric of every task and keeps each single-task checkpoint
    assertEquals(6, on.baselines().size(), report);
    for (String t : List.of("price", "rate", "buys")) {
      assertTrue(
          Files.isRegularFile(tmp.resolve("scaled/baselines/" + t + "/checkpoint/checkpoint.json")),
          t);
      Map<String, TaskScores> single =
          Mtl4j.trainer(config("scaled", "")).evaluate(tmp.resolve("scaled/baselines/" + t));
      assertEquals(
          on.baselines().stream()
              .filter(c -> c.task().equals(t))
              .findFirst()
              .orElseThrow()
              .singleTask(),
          single.get(t).metrics().values().iterator().next(),
          1e-9,
          t);
    }
    // a checkpoint without target statistics (written with standardize: false, or before target
    // scaling existed) evaluates and resumes on raw targets even under a config that standardises
    Mtl4jConfig now = config("raw", "");
    double rawRmse = off.test().get("price").get("rmse");
    assertEquals(
        rawRmse, Mtl4j.trainer(now).evaluate(tmp.resolve("raw")).get("price").get("rmse"), 1e-9);
    assertEquals(
        rawRmse,
        Mtl4j.trainer(now).train(tmp.resolve("raw"), false).test().get("price").get("rmse"),
        1e-9);
    // standardize: false is the old behaviour: the raw price target cannot even reach its mean
    assertTrue(off.test().get("price").get("rmse") > k.priceRmse(), report);
    assertTrue(
        off.test().get("price").get("rmse") > 2 * on.test().get("price").get("rmse"), report);
  }

  @Test
  @SuppressWarnings("unchecked")
  void predictionsAndRmseAreInOriginalUnits() throws Exception {
    Mtl4jConfig c = config("units", "", 3);
    Trainer trainer = Mtl4j.trainer(c);
    TrainingResult r = trainer.train();
    // the stored statistics are the mean and population std of the training rows
    Map<String, Object> meta =
        new ObjectMapper()
            .readValue(tmp.resolve("units/checkpoint/checkpoint.json").toFile(), Map.class);
    Map<String, Object> stats =
        (Map<String, Object>)
            ((Map<String, Object>) ((Map<String, Object>) meta.get("preprocessing")))
                .get("target_scaling");
    double[] price = column(train, 5);
    double m = mean(price);
    Map<String, List<Double>> ps = (Map<String, List<Double>>) stats.get("price");
    // (targets are held as F32: 250,000 has a spacing of 1/64 there)
    assertEquals(m, ps.get("mean").get(0), 1e-7 * Math.abs(m));
    assertEquals(rmse(price, m), ps.get("std").get(0), 1e-7 * rmse(price, m));
    assertTrue(!stats.containsKey("buys"), stats.toString());

    Path out = tmp.resolve("pred.csv");
    assertEquals(400, trainer.predict(tmp.resolve("units"), test, out, List.of("x1")));
    List<String> lines = Files.readAllLines(out);
    assertEquals("id,x1,price,rate,buys,buys_p", lines.get(0));
    List<String> in = Files.readAllLines(test);
    double[] truth = column(test, 5);
    double[] rateTruth = column(test, 6);
    double se = 0;
    double seRate = 0;
    double ae = 0;
    for (int i = 1; i < lines.size(); i++) {
      String[] cells = lines.get(i).split(",");
      assertEquals(in.get(i).split(",")[0], cells[0]);
      assertEquals(in.get(i).split(",")[1], cells[1]);
      double p = Double.parseDouble(cells[2]);
      // full precision: the written text reads back as the F32 value and is no longer than needed
      assertTrue(Float.toString(Float.parseFloat(cells[2])).length() >= cells[2].length());
      se += (p - truth[i - 1]) * (p - truth[i - 1]);
      ae += Math.abs(p - truth[i - 1]);
      double q = Double.parseDouble(cells[3]);
      seRate += (q - rateTruth[i - 1]) * (q - rateTruth[i - 1]);
    }
    int n = lines.size() - 1;
    TaskScores price1 = r.test().get("price");
    assertEquals(Math.sqrt(se / n), price1.get("rmse"), 1e-5 * price1.get("rmse"));
    assertEquals(ae / n, price1.get("mae"), 1e-5 * price1.get("mae"));
    assertEquals(
        Math.sqrt(seRate / n), r.test().get("rate").get("rmse"), 1e-5 * Math.sqrt(seRate / n));
    // evaluate of the checkpoint reports the same original-unit figures
    Map<String, TaskScores> ev = trainer.evaluate(tmp.resolve("units"));
    assertEquals(price1.get("rmse"), ev.get("price").get("rmse"), 1e-9 * price1.get("rmse"));
  }
}
