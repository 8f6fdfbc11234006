package org.mtl4j.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * Tasks learning from their own data sets ({@code tasks[i].data}) and the sampling schedules:
 * equivalence with one file holding both (missing labels empty), bit-identical resume for every
 * schedule, evaluation, baselines and Δm on each task's own rows, config errors for mismatched
 * inputs.
 */
class PerTaskDataTest {
  @TempDir Path tmp;
  private final ConfigReader reader = new ConfigReader(Mtl4j.plugins());

  /** Rows of x1..x4 with a regression label a and a binary label b (either may be left out). */
  private static List<String[]> rows(long seed, int n) {
    Random r = new Random(seed);
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian() * 3};
      double a = 2 * x[0] - x[1] + 0.5 * x[2] * x[3] + 0.1 * r.nextGaussian();
      String b = x[0] + x[1] + 0.3 * r.nextGaussian() > 0 ? "yes" : "no";
      String[] row = new String[6];
      for (int k = 0; k < 4; k++) {
        row[k] = String.format(Locale.ROOT, "%.5f", x[k]);
      }
      row[4] = String.format(Locale.ROOT, "%.5f", a);
      row[5] = b;
      out.add(row);
    }
    return out;
  }

  /**
   * Writes rows with the columns x1..x4 and those of {@code labels} ("a", "b"), blank if absent.
   */
  private static void write(Path file, List<String[]> rows, String header, boolean a, boolean b)
      throws IOException {
    StringBuilder sb = new StringBuilder(header).append('\n');
    for (String[] r : rows) {
      sb.append(String.join(",", r[0], r[1], r[2], r[3]));
      if (header.contains(",a")) {
        sb.append(',').append(a ? r[4] : "");
      }
      if (header.contains(",b")) {
        sb.append(',').append(b ? r[5] : "");
      }
      sb.append('\n');
    }
    Files.writeString(file, sb.toString());
  }

  private List<String[]> aTrain;
  private List<String[]> bTrain;
  private List<String[]> aTest;
  private List<String[]> bTest;

  @BeforeEach
  void files() throws IOException {
    aTrain = rows(1, 300);
    bTrain = rows(2, 130);
    aTest = rows(3, 80);
    bTest = rows(4, 60);
    write(tmp.resolve("a.csv"), aTrain, "x1,x2,x3,x4,a", true, false);
    write(tmp.resolve("a-test.csv"), aTest, "x1,x2,x3,x4,a", true, false);
    write(tmp.resolve("b.csv"), bTrain, "x1,x2,x3,x4,b", false, true);
    write(tmp.resolve("b-test.csv"), bTest, "x1,x2,x3,x4,b", false, true);
    List<String[]> train = new ArrayList<>(aTrain);
    train.addAll(bTrain);
    List<String[]> test = new ArrayList<>(aTest);
    test.addAll(bTest);
    // one file: a's rows with an empty b, then b's rows with an empty a
    StringBuilder merged = new StringBuilder("x1,x2,x3,x4,a,b\n");
    StringBuilder mergedTest = new StringBuilder("x1,x2,x3,x4,a,b\n");
    for (int i = 0; i < train.size(); i++) {
      String[] r = train.get(i);
      boolean fromA = i < aTrain.size();
      merged.append(String.join(",", r[0], r[1], r[2], r[3], fromA ? r[4] : "", fromA ? "" : r[5]));
      merged.append('\n');
    }
    for (int i = 0; i < test.size(); i++) {
      String[] r = test.get(i);
      boolean fromA = i < aTest.size();
      mergedTest.append(
          String.join(",", r[0], r[1], r[2], r[3], fromA ? r[4] : "", fromA ? "" : r[5]));
      mergedTest.append('\n');
    }
    Files.writeString(tmp.resolve("merged.csv"), merged.toString());
    Files.writeString(tmp.resolve("merged-test.csv"), mergedTest.toString());
  }

  private String csv(String name) {
    return "{source: csv, options: {path: '%s', test_path: '%s'}}"
        .formatted(path(name + ".csv"), path(name + "-test.csv"));
  }

  private String path(String file) {
    return tmp.resolve(file).toString().replace("\\", "/");
  }

  private Mtl4jConfig config(String name, String data, String aData, String bData, String extra) {
    return reader.parse(
        """
        name: %s
        backend: cpu
        seed: 7
        %s
        tasks:
          - {name: a, type: regression, label: a%s}
          - {name: b, type: binary, label: b%s}
        model: {strategy: hard, hidden: [16], tower: [8]}
        optimizer: {name: adam, lr: 0.01}
        output: '%s'
        %s
        """
            .formatted(
                name,
                data == null ? "" : "data: " + data,
                aData == null ? "" : ", data: " + aData,
                bData == null ? "" : ", data: " + bData,
                tmp.resolve("runs").toString().replace("\\", "/"),
                extra),
        "test",
        name);
  }

  private Mtl4jConfig perTask(String name, String training) {
    return config(name, null, csv("a"), csv("b"), "training: " + training);
  }

  private Map<String, SafeTensors.Entry> weights(String run) {
    return new CheckpointStore()
        .load(tmp.resolve("runs").resolve(run).resolve("checkpoint"))
        .weights();
  }

  private void assertSameWeights(String x, String y) {
    Map<String, SafeTensors.Entry> a = weights(x);
    Map<String, SafeTensors.Entry> b = weights(y);
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k).data(), b.get(k).data(), x + " vs " + y + ": " + k);
    }
  }

  @Test
  void mixedSamplingOverTwoFilesTrainsExactlyAsOneFileWithEmptyLabels() {
    String training = "{epochs: 2, batch_size: 32, validation_split: 0.1, sampling: mixed}";
    TrainingResult two = Mtl4j.trainer(perTask("two", training)).train();
    String merged =
        "{source: csv, options: {path: '%s', test_path: '%s'}}"
            .formatted(path("merged.csv"), path("merged-test.csv"));
    TrainingResult one =
        Mtl4j.trainer(config("one", merged, null, null, "training: " + training)).train();
    assertSameWeights("two", "one");
    assertEquals(one.test(), two.test());
    assertEquals(one.history().get(1).trainLoss(), two.history().get(1).trainLoss());
    // each task is scored on its own test rows only: a's 80 and b's 60
    Checkpoint c = new CheckpointStore().load(tmp.resolve("runs/two/checkpoint"));
    assertEquals(
        "union of the training rows of every data set", c.preprocessing().get("statistics"));
    List<?> sets = (List<?>) c.preprocessing().get("data_sets");
    assertEquals(2, sets.size());
    assertEquals(300, ((Map<?, ?>) sets.get(0)).get("train_rows"));
    assertEquals(60, ((Map<?, ?>) sets.get(1)).get("test_rows"));
  }

  @Test
  void resumeIsBitIdenticalForEverySchedule() {
    for (String sampling :
        List.of("mixed", "alternating", "proportional", "uniform", "{temperature: 2.5}")) {
      // 7 steps per epoch leave every task mid-way through its own data at each checkpoint
      String steps = sampling.equals("mixed") ? "" : ", steps_per_epoch: 7";
      String training =
          "{epochs: 2, batch_size: 16, validation_split: 0.1, sampling: %s%s}"
              .formatted(sampling, steps);
      String id = sampling.replaceAll("[^a-z]", "");
      TrainingResult full = Mtl4j.trainer(perTask("full-" + id, training)).train();
      Trainer first = Mtl4j.trainer(perTask("resumed-" + id, training));
      first.addListener(
          new TrainingListener() {
            @Override
            public void step(int epoch, int step, int stepsPerEpoch, double[] losses) {
              // interrupted mid-way through epoch 2: the last checkpoint is epoch 1's
              if (epoch == 2 && step == 3) {
                first.cancel();
              }
            }
          });
      assertEquals("cancelled", first.train().stopReason());
      Checkpoint mid =
          new CheckpointStore().load(tmp.resolve("runs/resumed-" + id + "/checkpoint"));
      assertEquals(1, mid.epoch());
      if (!sampling.equals("mixed")) {
        List<?> offsets = (List<?>) mid.sampler().get("offset");
        assertTrue(
            offsets.stream().anyMatch(o -> ((Number) o).intValue() > 0),
            sampling + ": the checkpoint holds the sampler mid-way: " + mid.sampler());
      }
      TrainingResult resumed =
          Mtl4j.trainer(perTask("resumed-" + id, training))
              .train(tmp.resolve("runs/resumed-" + id), false);
      assertSameWeights("full-" + id, "resumed-" + id);
      assertEquals(full.test(), resumed.test(), sampling);
      assertEquals(
          full.history().get(1).trainLoss(), resumed.history().get(1).trainLoss(), sampling);
    }
  }

  @Test
  void resumingWithAnotherScheduleIsRefused() {
    String alternating = "{epochs: 2, batch_size: 16, sampling: alternating}";
    Trainer first = Mtl4j.trainer(perTask("switch", alternating));
    first.addListener(
        new TrainingListener() {
          @Override
          public void epoch(EpochRecord record) {
            first.cancel();
          }
        });
    first.train();
    Exception e =
        assertThrows(
            RuntimeException.class,
            () ->
                Mtl4j.trainer(perTask("switch", "{epochs: 2, batch_size: 16, sampling: uniform}"))
                    .train(tmp.resolve("runs/switch"), false));
    assertTrue(
        e.getMessage().contains("trained with training.sampling: alternating"), e.getMessage());
  }

  @Test
  void schedulesTrainEachTaskOnItsOwnRowsAndDiffer() {
    int[] steps = new int[1];
    TrainingResult alt =
        Mtl4j.trainer(perTask("alt", "{epochs: 5, batch_size: 32, sampling: alternating}"))
            .addListener(
                new TrainingListener() {
                  @Override
                  public void started(int epochs, int stepsPerEpoch, String description) {
                    steps[0] = stepsPerEpoch;
                  }
                })
            .train();
    TrainingResult temp =
        Mtl4j.trainer(perTask("temp", "{epochs: 5, batch_size: 32, sampling: {temperature: 3}}"))
            .train();
    // one pass over the largest data set (a's training rows) per epoch: 2 steps per batch of a
    List<?> rows =
        (List<?>)
            new CheckpointStore().load(tmp.resolve("runs/alt/checkpoint")).sampler().get("rows");
    int na = ((Number) rows.get(0)).intValue();
    int nb = ((Number) rows.get(1)).intValue();
    assertTrue(na > 250 && na < 300 && nb > 100 && nb < 130, rows.toString());
    assertEquals(2 * ((na + 31) / 32), steps[0]);
    assertNotEquals(
        java.util.Arrays.toString(weights("alt").values().iterator().next().data()),
        java.util.Arrays.toString(weights("temp").values().iterator().next().data()));
    for (TrainingResult r : List.of(alt, temp)) {
      TaskScores a = r.test().get("a");
      TaskScores b = r.test().get("b");
      assertTrue(Double.isFinite(a.loss()) && Double.isFinite(b.loss()), r.test().toString());
      assertTrue(
          b.get("accuracy") > 0.8, "b learns from its own rows (chance: about 0.5): " + r.test());
    }
  }

  @Test
  void evaluateAndBaselinesScoreEachTaskOnItsOwnRows() throws IOException {
    Mtl4jConfig c = perTask("stl", "{epochs: 2, batch_size: 32, sampling: alternating}");
    TrainingResult r = Mtl4j.trainer(c).train(null, true);
    assertEquals(r.test(), Mtl4j.trainer(c).evaluate(tmp.resolve("runs/stl")));
    assertTrue(Double.isFinite(r.deltaM()), "Δm " + r.deltaM());
    // a baseline folder holds the union's statistics; its config names b's file alone
    Mtl4jConfig baseline = Mtl4j.readConfig(tmp.resolve("runs/stl/baselines/b/config.yaml"));
    org.mtl4j.trainer.data.DataException stale =
        assertThrows(
            org.mtl4j.trainer.data.DataException.class,
            () -> Mtl4j.trainer(baseline).evaluate(tmp.resolve("runs/stl/baselines/b")));
    assertTrue(stale.getMessage().contains("differ from those the checkpoint was trained with"));
    assertEquals(List.of("a", "a", "b", "b"), r.baselines().stream().map(x -> x.task()).toList());
    // b's baseline trained on b's own training rows alone (mixed sampling over them, whatever the
    // schedule): 2 epochs of ceil(n_b / 32) steps
    Checkpoint mtl = new CheckpointStore().load(tmp.resolve("runs/stl/checkpoint"));
    Checkpoint stb = new CheckpointStore().load(tmp.resolve("runs/stl/baselines/b/checkpoint"));
    int nb = ((Number) ((List<?>) mtl.sampler().get("rows")).get(1)).intValue();
    assertTrue(stb.sampler().isEmpty(), "baselines use mixed sampling: " + stb.sampler());
    assertEquals(2L * ((nb + 31) / 32), stb.step());
    Path out = tmp.resolve("pred.csv");
    assertEquals(
        60, Mtl4j.trainer(c).predict(tmp.resolve("runs/stl"), tmp.resolve("b-test.csv"), out));
    assertEquals("a,b,b_p", Files.readAllLines(out).get(0));
    // one task's data predicted for that task alone
    assertEquals(
        60,
        Mtl4j.trainer(c)
            .predict(
                tmp.resolve("runs/stl"), tmp.resolve("b-test.csv"), out, List.of(), List.of("b")));
    assertEquals("b,b_p", Files.readAllLines(out).get(0));
    assertEquals(61, Files.readAllLines(out).size());
    assertThrows(
        org.mtl4j.trainer.data.DataException.class,
        () ->
            Mtl4j.trainer(c)
                .predict(
                    tmp.resolve("runs/stl"),
                    tmp.resolve("b-test.csv"),
                    out,
                    List.of(),
                    List.of("c")));
  }

  @Test
  void affinityAnalysisMeasuresTasksLearningFromDifferentData() {
    TrainingResult r =
        Mtl4j.trainer(
                config(
                    "aff",
                    null,
                    csv("a"),
                    csv("b"),
                    "training: {epochs: 1, batch_size: 32}\n"
                        + "analysis: {method: affinity, sample_every: 2}"))
            .train();
    var stats = r.analysis().statistics();
    // ceil(387 / 32) = 13 steps of mixed batches, steps 0, 2, .., 12 measured; each batch holds
    // rows of both files
    assertEquals(7, stats.samples());
    double[][] affinity = stats.meanAffinity();
    assertTrue(
        Double.isFinite(affinity[0][1]) && Double.isFinite(affinity[1][0]) && affinity[0][1] != 0,
        java.util.Arrays.deepToString(affinity));
  }

  @Test
  void mismatchedInputsAreConfigErrorsNamingTheColumns() throws IOException {
    write(tmp.resolve("c.csv"), bTrain, "x1,x2,x3,x5,b", false, true);
    write(tmp.resolve("c-test.csv"), bTest, "x1,x2,x3,x5,b", false, true);
    Mtl4jConfig c = config("bad", null, csv("a"), csv("c"), "");
    ConfigException e = assertThrows(ConfigException.class, () -> Mtl4j.trainer(c).train());
    assertTrue(
        e.errors().get(0).contains("tasks[1].data: the feature columns of")
            && e.errors().get(0).contains("missing [x4], extra [x5]"),
        e.errors().toString());

    String categorical =
        "{source: csv, options: {path: '%s', test_path: '%s', categorical: x1}}"
            .formatted(path("b.csv"), path("b-test.csv"));
    ConfigException e2 =
        assertThrows(
            ConfigException.class,
            () -> Mtl4j.trainer(config("bad2", null, csv("a"), categorical, "")).train());
    assertEquals(
        List.of(
            "tasks[1].data.options.categorical: 'x1' differs from tasks[0].data.options.categorical"
                + " ''; the data sets feeding one trunk must prepare their inputs the same way"),
        e2.errors());

    String synthetic =
        "{source: synthetic-mmoe, options: {train_size: 64, test_size: 32, input_size: %d}}";
    ConfigException e3 =
        assertThrows(
            ConfigException.class,
            () ->
                Mtl4j.trainer(
                        reader.parse(
                            """
                            name: bad3
                            backend: cpu
                            data: %s
                            tasks:
                              - {name: t1, type: regression, label: task1}
                              - {name: t2, type: regression, label: task2, data: %s}
                            output: '%s'
                            """
                                .formatted(
                                    synthetic.formatted(8), synthetic.formatted(12), path("runs")),
                            "test",
                            "bad3"))
                    .train());
    assertTrue(
        e3.errors()
            .get(0)
            .startsWith(
                "tasks[1].data (synthetic-mmoe): inputs of width 12 differ from data"
                    + " (synthetic-mmoe)'s width 8"),
        e3.errors().toString());
    assertFalse(Files.exists(tmp.resolve("runs/bad3/checkpoint")));
  }

  @Test
  void methodsThatNeedEveryTaskEachStepAreRefusedWithOneTaskSchedules() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                config(
                    "mgda",
                    null,
                    csv("a"),
                    csv("b"),
                    "weighting: {method: mgda}\ntraining: {sampling: alternating}"));
    assertTrue(
        e.errors()
            .get(0)
            .startsWith(
                "weighting.method: 'mgda' needs every task's loss or gradient in each step, but"
                    + " training.sampling: alternating trains one task per step; use"
                    + " training.sampling: mixed"),
        e.errors().toString());
    // with mixed sampling it is accepted
    config("mgda", null, csv("a"), csv("b"), "weighting: {method: mgda}");
  }
}
