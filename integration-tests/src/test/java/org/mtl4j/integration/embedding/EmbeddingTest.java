package org.mtl4j.integration.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.util.Modules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingContext;
import org.mtl4j.api.weighting.WeightingStep;
import org.mtl4j.integration.support.Configs;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.inject.Mtl4jModule;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.training.NetworkFactory;
import org.mtl4j.trainer.training.Trainer;
import org.mtl4j.trainer.training.TrainingListener;
import org.mtl4j.trainer.training.TrainingResult;

/** A JVM application embeds the trainer: plain Java call, and Guice with one binding overridden. */
class EmbeddingTest {
  private static final int EPOCHS = 4;
  @TempDir Path tmp;

  private Mtl4jConfig config() throws IOException {
    Path yaml = tmp.resolve("customers.yaml");
    Files.writeString(yaml, Configs.customers(tmp.resolve("runs"), EPOCHS));
    return Mtl4j.readConfig(yaml);
  }

  @Test
  void plainJavaCallTrains() throws IOException {
    Trainer trainer = Mtl4j.trainer(config());
    List<EpochRecord> epochs = new ArrayList<>();
    trainer.addListener(
        new TrainingListener() {
          @Override
          public void epoch(EpochRecord r) {
            epochs.add(r);
          }
        });
    TrainingResult r = trainer.train();
    assertEquals(EPOCHS, r.history().size());
    assertEquals(EPOCHS, epochs.size(), "listener saw every epoch");
    double acc = r.test().get("churn").metrics().get("accuracy");
    assertTrue(acc > 0.6, "churn accuracy " + acc);
    assertTrue(Files.isDirectory(Trainer.checkpointDir(r.runDir())), "no checkpoint written");
  }

  @Test
  void guiceInjectorWithAnOverriddenWeightingTrains() throws IOException {
    Mtl4jConfig config = config();
    AtomicInteger steps = new AtomicInteger();
    var overrides =
        new AbstractModule() {
          @Provides
          @Singleton
          NetworkFactory networkFactory(
              Map<String, SharingStrategyProvider> strategies,
              Map<String, TaskWeightingProvider> weightings) {
            Map<String, TaskWeightingProvider> counted = new HashMap<>(weightings);
            counted.put("equal", new Counting(weightings.get("equal"), steps));
            return new NetworkFactory(strategies, counted);
          }
        };
    Trainer trainer =
        Guice.createInjector(Modules.override(new Mtl4jModule(config)).with(overrides))
            .getInstance(Trainer.class);
    TrainingResult r = trainer.train();
    assertEquals(EPOCHS, r.history().size());
    assertTrue(steps.get() >= EPOCHS, "the overriding weighting was not used: " + steps.get());
    double acc = r.test().get("churn").metrics().get("accuracy");
    assertTrue(acc > 0.6, "churn accuracy " + acc);
  }

  /** Delegates to the built-in method and counts the steps it weighs. */
  private record Counting(TaskWeightingProvider delegate, AtomicInteger steps)
      implements TaskWeightingProvider {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public String description() {
      return "counting " + delegate.description();
    }

    @Override
    public List<OptionSpec> options() {
      return delegate.options();
    }

    @Override
    public TaskWeighting create(Options options, WeightingContext context) {
      TaskWeighting w = delegate.create(options, context);
      return new TaskWeighting() {
        @Override
        public org.mtl4j.api.weighting.GradientSource gradientSource() {
          return w.gradientSource();
        }

        @Override
        public double[] backward(WeightingStep step) {
          steps.incrementAndGet();
          return w.backward(step);
        }

        @Override
        public void close() {
          w.close();
        }
      };
    }
  }
}
