package org.mtl4j.integration.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.integration.support.CliRun;
import org.mtl4j.integration.support.Configs;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import org.mtl4j.trainer.data.Sha256;

/**
 * Checkpoints that cannot lie: every number of checkpoint.json is range-checked, non-finite weights
 * are refused by evaluate, predict and resume naming the tensor, a model whose outputs are not
 * finite scores NaN rather than a plausible number, data files named only inside a checkpoint are
 * never opened, and evaluate with data of other columns or task types is one line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CheckpointLiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private Path tmp;
  private Path good;
  private String data;
  private int copies;

  @BeforeAll
  void trainOnce(@TempDir Path dir) throws IOException {
    tmp = dir;
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(cfg, Configs.customers(tmp.resolve("runs"), 1));
    CliRun r = CliRun.of("train", "-c", cfg.toString(), "-q");
    assertEquals(0, r.exitCode(), r.toString());
    good = tmp.resolve("runs/customers");
    data = CliRun.repoRoot().resolve("examples/data/customers.csv").toString();
  }

  /** A copy of the run folder with checkpoint.json edited by {@code edit}. */
  private Path edited(Consumer<ObjectNode> edit) throws IOException {
    Path dst = tmp.resolve("copy" + copies++);
    try (Stream<Path> walk = Files.walk(good)) {
      for (Path p : walk.toList()) {
        Path t = dst.resolve(good.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
    Path meta = dst.resolve("checkpoint/checkpoint.json");
    ObjectNode m = (ObjectNode) JSON.readTree(meta.toFile());
    edit.accept(m);
    Files.write(meta, JSON.writeValueAsBytes(m));
    return dst;
  }

  private static ObjectNode pre(ObjectNode m) {
    return (ObjectNode) m.get("preprocessing");
  }

  private static ObjectNode feature(ObjectNode m, int i) {
    return (ObjectNode) pre(m).get("features").get(i);
  }

  private CliRun evaluate(Path run) {
    return CliRun.of("evaluate", run.toString(), "--data", data, "-q");
  }

  private static void assertRefused(CliRun r, String... parts) {
    assertEquals(2, r.exitCode(), r.toString());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    for (String p : parts) {
      assertTrue(r.err().contains(p), "'" + p + "' not in: " + r.err());
    }
  }

  @Test
  void anIntactCheckpointEvaluatesWithTheDataNamedOnTheCommandLine() {
    CliRun r = evaluate(good);
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().matches("(?s).*churn +accuracy 0\\.\\d{4}.*"), r.out());
  }

  @Test
  void anEpochOfTenToTheTwelveOrMinusThreeIsRefused() throws IOException {
    Path huge = edited(m -> m.put("epoch", 1e12));
    assertRefused(
        CliRun.of("train", "--resume", huge.toString(), "--epochs", "5", "-q"),
        "epoch: '1.0E12'",
        "expected an integer from 0 to 1000000");
    Path negative = edited(m -> m.put("epoch", -3));
    assertRefused(
        CliRun.of("train", "--resume", negative.toString(), "--epochs", "5", "-q"),
        "epoch: '-3'",
        "expected an integer from 0 to 1000000");
  }

  @Test
  void anAbsurdInputSizeIsRefused() throws IOException {
    assertRefused(
        evaluate(edited(m -> pre(m).put("input_size", Integer.MAX_VALUE))),
        "preprocessing.input_size: '2147483647'");
    assertRefused(
        evaluate(edited(m -> pre(m).put("input_size", -5))), "preprocessing.input_size: '-5'");
  }

  @Test
  void malformedFeatureStatisticsAreRefusedNamingTheField() throws IOException {
    assertRefused(
        evaluate(edited(m -> feature(m, 4).putNull("categories"))),
        "preprocessing.features[4].categories: 'null'",
        "a list of strings");
    assertRefused(
        evaluate(edited(m -> feature(m, 0).put("mean", "x"))),
        "preprocessing.features[0].mean: 'x'",
        "a finite number");
    assertRefused(
        evaluate(edited(m -> pre(m).put("delimiter", ""))),
        "preprocessing.delimiter: ''",
        "one character");
    assertRefused(
        evaluate(edited(m -> pre(m).remove("features"))), "preprocessing.features: missing");
  }

  /**
   * A copy whose every weight is {@code value} (checksum updated, so only the values are wrong).
   */
  private Path withWeights(float value) throws IOException {
    Path run = edited(m -> {});
    Path ckpt = run.resolve("checkpoint");
    Path meta = ckpt.resolve("checkpoint.json");
    ObjectNode m = (ObjectNode) JSON.readTree(meta.toFile());
    Path w = ckpt.resolve(m.get("weights").get("file").asText());
    Map<String, SafeTensors.Entry> filled = new LinkedHashMap<>();
    SafeTensors.read(w)
        .tensors()
        .forEach(
            (k, e) -> {
              float[] d = new float[e.data().length];
              java.util.Arrays.fill(d, value);
              filled.put(k, new SafeTensors.Entry(e.shape(), d));
            });
    SafeTensors.write(w, filled, Map.of("format", "pt"));
    ((ObjectNode) m.get("weights")).put("sha256", Sha256.ofFile(w));
    Files.write(meta, JSON.writeValueAsBytes(m));
    return run;
  }

  @Test
  void nonFiniteWeightsAreRefusedByEvaluatePredictAndResumeNamingTheTensor() throws IOException {
    Path run = withWeights(Float.NaN);
    assertRefused(evaluate(run), "weights tensor '", "holds NaN at index 0");
    assertRefused(
        CliRun.of(
            "predict", run.toString(), "-i", data, "-o", tmp.resolve("p.csv").toString(), "-q"),
        "holds NaN");
    assertFalse(Files.exists(tmp.resolve("p.csv")), "predict wrote NaN predictions");
    assertRefused(
        CliRun.of("train", "--resume", run.toString(), "--epochs", "3", "-q"), "holds NaN");
    assertRefused(evaluate(withWeights(Float.POSITIVE_INFINITY)), "holds Infinity");
  }

  @Test
  void aModelWhoseOutputsOverflowScoresNaNNotAPlausibleNumber() throws IOException {
    CliRun r = evaluate(withWeights(3e38f));
    assertEquals(0, r.exitCode(), r.toString());
    assertTrue(r.out().contains("accuracy NaN") && r.out().contains("auc NaN"), r.out());
    assertTrue(r.out().contains("rmse NaN") && r.out().contains("mae NaN"), r.out());
  }

  @Test
  void aDataFileNamedOnlyInsideACheckpointIsNeverOpened() throws IOException {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "root:x:0:0:root:/root:/bin/bash\n");
    Path crafted =
        edited(
            m -> {
              String config = m.get("config").asText();
              m.put(
                  "config",
                  config
                      .replaceAll("path: .*customers\\.csv'?", "path: '" + secret + "'")
                      .replace("delimiter: \",\"", "delimiter: \"\\t\""));
            });
    CliRun r = CliRun.of("evaluate", crafted.toString(), "-q");
    assertRefused(r, "evaluate opens only data named on the command line", "--data FILE");
    assertFalse(r.err().contains("root:x"), r.err());
  }

  @Test
  void evaluateWithFewerFeaturesOrAnotherTaskTypeIsOneLine() throws IOException {
    Path fewer = tmp.resolve("fewer.yaml");
    Files.writeString(
        fewer,
        Configs.customers(tmp.resolve("runs"), 1)
            .replace("ignore: customer_id", "ignore: 'customer_id,age'"));
    assertRefused(
        CliRun.of("evaluate", good.toString(), "-c", fewer.toString(), "-q"),
        "trained on 11 input features",
        "gives 10");
    Path retyped = tmp.resolve("retyped.yaml");
    Files.writeString(
        retyped,
        Configs.customers(tmp.resolve("runs"), 1)
            .replace(
                "{name: churn, type: binary, label: churned, metrics: [accuracy, auc]}",
                "{name: churn, type: multiclass, label: churned, metrics: [accuracy]}"));
    assertRefused(
        CliRun.of("evaluate", good.toString(), "-c", retyped.toString(), "-q"),
        "task churn was trained as binary, the config makes it multiclass");
  }

  @Test
  void theHistorySectionIsRangeCheckedToo() throws IOException {
    assertRefused(
        evaluate(edited(m -> ((ObjectNode) m.get("history")).put("bytes", 1L << 40))),
        "history.bytes");
    assertRefused(
        evaluate(edited(m -> ((ObjectNode) m.get("history")).put("records", 7))),
        "history.jsonl",
        "7");
  }
}
