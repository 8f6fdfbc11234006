package org.mtl4j.trainer.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.multibindings.MapBinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.data.DataSource;
import org.mtl4j.trainer.data.Dataset;
import org.mtl4j.trainer.data.Examples;
import org.mtl4j.trainer.data.FashionMnistFiles;
import org.mtl4j.trainer.data.Split;
import org.mtl4j.trainer.data.SyntheticMmoeSource;
import org.mtl4j.trainer.inject.Mtl4jModule;
import org.mtl4j.trainer.metrics.EpochRecord;

/** Real training runs on the CPU backend, kept small. */
class TrainingTest {
  @TempDir Path tmp;
  private final ConfigReader reader = new ConfigReader(Mtl4j.plugins());

  private Mtl4jConfig synthetic(String name, int epochs, String extra) {
    return reader.parse(
        """
        name: %s
        backend: cpu
        seed: 5
        data: {source: synthetic-mmoe, options: {train_size: 640, test_size: 200, input_size: 16,
               correlation: 0.8}}
        tasks:
          - {name: t1, type: regression, label: task1}
          - {name: t2, type: regression, label: task2}
        model: {strategy: hard, hidden: [32], tower: [8], dropout: 0.1}
        optimizer: {name: adam, lr: 0.01, schedule: {type: cosine, warmup_steps: 3}}
        training: {epochs: %d, batch_size: 64, validation_split: 0.1}
        output: %s
        %s
        """
            .formatted(name, epochs, tmp.toString().replace("\\", "/"), extra),
        "test",
        name);
  }

  private static Map<String, SafeTensors.Entry> weights(Path runDir) {
    return new CheckpointStore().load(runDir.resolve("checkpoint")).weights();
  }

  @Test
  void shortFashionMnistRunLearnsBothTasksAndWritesTheRunFolder() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isDirectory(FashionMnistFiles.DEBIAN_DIR), "needs Debian's dataset-fashion-mnist");
    Mtl4jConfig c =
        reader.parse(
            """
            name: fm
            backend: cpu
            data: {source: fashion-mnist, options: {train_limit: 6000, test_limit: 1000,
                   download: false}}
            tasks:
              - {name: category, type: multiclass, label: category}
              - {name: footwear, type: binary, label: footwear}
            model: {strategy: hard, hidden: [128]}
            training: {epochs: 1, batch_size: 64, validation_split: 0.1}
            output: %s
            """
                .formatted(tmp.toString().replace("\\", "/")),
            "test",
            "fm");
    TrainingResult r = Mtl4j.trainer(c).train();
    double cat = r.test().get("category").get("accuracy");
    double foot = r.test().get("footwear").get("accuracy");
    assertTrue(cat > 0.70, "category accuracy " + cat + " (chance 0.1)");
    assertTrue(foot > 0.95, "footwear accuracy " + foot + " (majority 0.7)");
    Path run = tmp.resolve("fm");
    for (String f :
        List.of(
            "config.yaml",
            "metrics.csv",
            "summary.json",
            "curves.png",
            "checkpoint/checkpoint.json")) {
      assertTrue(Files.isRegularFile(run.resolve(f)), f);
    }
    List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
    assertEquals(3, csv.size());
    assertTrue(csv.get(1).startsWith("1,category,"), csv.get(1));
    byte[] png = Files.readAllBytes(run.resolve("curves.png"));
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
    assertEquals(c, reader.read(run.resolve("config.yaml")).withName("fm"));
    // evaluating the checkpoint reproduces the test scores
    Map<String, org.mtl4j.trainer.metrics.TaskScores> ev = Mtl4j.trainer(c).evaluate(run);
    assertEquals(cat, ev.get("category").get("accuracy"), 1e-12);
  }

  @Test
  void sameSeedGivesTheSameNumbersAndResumeEndsWithTheSameWeights() {
    TrainingResult full = Mtl4j.trainer(synthetic("full", 3, "")).train();
    assertEquals("completed", full.stopReason());
    TrainingResult again = Mtl4j.trainer(synthetic("again", 3, "")).train();
    assertEquals(full.history().get(2).validation(), again.history().get(2).validation());
    assertEquals(full.test(), again.test());

    Trainer first = Mtl4j.trainer(synthetic("resumed", 3, ""));
    first.addListener(
        new TrainingListener() {
          @Override
          public void epoch(EpochRecord record) {
            if (record.epoch() == 1) {
              first.cancel();
            }
          }
        });
    TrainingResult part = first.train();
    assertEquals("cancelled", part.stopReason());
    assertEquals(1, part.history().size());
    Map<String, SafeTensors.Entry> afterOne = weights(tmp.resolve("resumed"));
    TrainingResult resumed =
        Mtl4j.trainer(synthetic("resumed", 3, "")).train(tmp.resolve("resumed"), false);
    assertEquals(3, resumed.history().size());
    Map<String, SafeTensors.Entry> a = weights(tmp.resolve("full"));
    Map<String, SafeTensors.Entry> b = weights(tmp.resolve("resumed"));
    assertEquals(a.keySet(), b.keySet());
    for (String k : a.keySet()) {
      assertArrayEquals(a.get(k).data(), b.get(k).data(), k);
      assertNotEquals(
          java.util.Arrays.toString(afterOne.get(k).data()),
          java.util.Arrays.toString(b.get(k).data()),
          k + " changed after epoch 1");
    }
    assertEquals(full.test(), resumed.test());
    assertEquals(full.history().get(2).trainLoss(), resumed.history().get(2).trainLoss());
  }

  @Test
  void cancelFromAnotherThreadStopsBeforeTheNextStep() throws Exception {
    Trainer t = Mtl4j.trainer(synthetic("cancel", 50, ""));
    java.util.concurrent.CountDownLatch firstStep = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger stepsAfterCancel =
        new java.util.concurrent.atomic.AtomicInteger();
    t.addListener(
        new TrainingListener() {
          @Override
          public void step(int epoch, int step, int stepsPerEpoch, double[] losses) {
            if (cancelled.getCount() == 0) {
              stepsAfterCancel.incrementAndGet();
            }
            firstStep.countDown();
            try {
              cancelled.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    java.util.concurrent.ExecutorService ex =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<TrainingResult> f = ex.submit(() -> t.train());
      firstStep.await();
      t.cancel();
      cancelled.countDown();
      TrainingResult r = f.get();
      assertEquals("cancelled", r.stopReason());
      assertEquals(0, stepsAfterCancel.get(), "no step runs after cancel()");
      assertTrue(r.history().isEmpty());
      assertTrue(r.test().isEmpty());
    } finally {
      ex.shutdownNow();
    }
  }

  @Test
  void nonFiniteLossStopsWithAClearMessageAndKeepsTheLastGoodCheckpoint() {
    Mtl4jConfig good = synthetic("nan", 1, "");
    Mtl4j.trainer(good).train();
    Checkpoint before = new CheckpointStore().load(tmp.resolve("nan").resolve("checkpoint"));
    assertEquals(1, before.epoch());
    Mtl4jConfig s = synthetic("nan", 3, "");
    Mtl4jConfig c =
        new Mtl4jConfig(
            s.name(),
            s.backend(),
            s.seed(),
            new org.mtl4j.trainer.config.DataConfig("poisoned", s.data().options()),
            s.tasks(),
            s.model(),
            s.weighting(),
            s.optimizer(),
            s.training(),
            s.output(),
            s.analysis());
    Trainer poisoned =
        Guice.createInjector(
                com.google.inject.util.Modules.override(new Mtl4jModule(c))
                    .with(
                        new AbstractModule() {
                          @Override
                          protected void configure() {
                            MapBinder.newMapBinder(binder(), String.class, DataSource.class)
                                .addBinding("poisoned")
                                .toInstance(new Poisoned());
                          }
                        }))
            .getInstance(Trainer.class);
    TrainingDivergedException e =
        assertThrows(
            TrainingDivergedException.class, () -> poisoned.train(tmp.resolve("nan"), false));
    assertTrue(e.getMessage().startsWith("the loss of task t1 became "), e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "at epoch 2, step 1 of 9; training stopped and the last good"
                    + " checkpoint (epoch 1) was kept in "),
        e.getMessage());
    Checkpoint after = new CheckpointStore().load(tmp.resolve("nan").resolve("checkpoint"));
    assertEquals(1, after.epoch());
    assertArrayEquals(
        before.weights().get(before.weights().keySet().iterator().next()).data(),
        after.weights().get(before.weights().keySet().iterator().next()).data());
  }

  @Test
  void baselinesReportPerTaskGainsAndDeltaM() throws Exception {
    Mtl4jConfig base = synthetic("stl", 2, "");
    // early stopping on t1 must not break the t2 baseline, which has no t1 to watch
    Mtl4jConfig c =
        base.withTraining(
            new org.mtl4j.trainer.config.TrainingConfig(
                2, 64, 0.1, new org.mtl4j.trainer.config.EarlyStoppingConfig("t1", "rmse", 5)));
    TrainingResult r = Mtl4j.trainer(c).train(null, true);
    // every metric of every task (rmse, mae), the main metric first; Δm over the main metrics
    assertEquals(4, r.baselines().size());
    assertEquals("rmse", r.baselines().get(0).metric());
    assertEquals("mae", r.baselines().get(1).metric());
    assertEquals("t2", r.baselines().get(2).task());
    double mean = (r.baselines().get(0).gain() + r.baselines().get(2).gain()) / 2;
    assertEquals(mean, r.deltaM(), 1e-12);
    assertEquals(r.test().get("t1").get("rmse"), r.baselines().get(0).multiTask());
    assertEquals(r.test().get("t2").get("mae"), r.baselines().get(3).multiTask());
    assertEquals(
        Map.of("t1", r.baselines().get(0).gain(), "t2", r.baselines().get(2).gain()), r.gains());
    String summary = Files.readString(tmp.resolve("stl").resolve("summary.json"));
    assertTrue(summary.contains("\"delta_m\""), summary);
    assertTrue(summary.contains("\"checkpoint\" : \"baselines/t2\""), summary);
    assertTrue(Files.isRegularFile(tmp.resolve("stl/baselines/t2/config.yaml")));
    assertTrue(CheckpointStore.exists(tmp.resolve("stl/baselines/t1/checkpoint")));
  }

  @Test
  void earlyStoppingStopsWhenTheMetricStopsImproving() {
    Mtl4jConfig c =
        reader.parse(
            """
name: es
backend: cpu
data: {source: synthetic-mmoe, options: {train_size: 200, test_size: 50, input_size: 8}}
tasks: [{name: t1, type: regression, label: task1}]
model: {strategy: hard, hidden: [8]}
optimizer: {name: sgd, lr: 1.0e-9, momentum: 0.5}
training: {epochs: 20, batch_size: 50, validation_split: 0.2,
           early_stopping: {metric: t1.rmse, patience: 1}}
output: %s
"""
                .formatted(tmp.toString().replace("\\", "/")),
            "t",
            "es");
    TrainingResult r = Mtl4j.trainer(c).train();
    assertEquals("early-stopped", r.stopReason());
    assertTrue(r.history().size() < 20, "stopped after " + r.history().size());
  }

  /** The synthetic data with features scaled to overflow float32 in the forward pass. */
  private static final class Poisoned implements DataSource {
    private final SyntheticMmoeSource inner = new SyntheticMmoeSource();

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public String description() {
      return "poisoned";
    }

    @Override
    public List<OptionSpec> options() {
      return inner.options();
    }

    @Override
    public Dataset load(Options o, List<TaskConfig> tasks, long seed) {
      Dataset d = inner.load(o, tasks, seed);
      Examples e = d.train().examples();
      float[] x = e.features().clone();
      for (int i = 0; i < x.length; i++) {
        x[i] *= 1e37f;
      }
      Examples p =
          new Examples(
              e.size(),
              e.inputSize(),
              x,
              Map.of("t1", e.targets("t1"), "t2", e.targets("t2")),
              Map.of());
      return new Dataset(d.tasks(), new Split(p, d.train().rows()), d.test(), Map.of());
    }
  }
}
