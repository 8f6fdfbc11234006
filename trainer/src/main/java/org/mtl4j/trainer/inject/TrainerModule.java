package org.mtl4j.trainer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.util.Map;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.Datasets;
import org.mtl4j.trainer.report.RunReporter;
import org.mtl4j.trainer.training.BackendFactory;
import org.mtl4j.trainer.training.NetworkFactory;
import org.mtl4j.trainer.training.Trainer;

/**
 * Binds the training machinery: the {@link NetworkFactory} over the discovered strategies and
 * weightings, the {@link RunReporter}, and a {@link Trainer} for the bound {@link Mtl4jConfig}.
 */
public final class TrainerModule extends AbstractModule {
  @Provides
  @Singleton
  NetworkFactory networkFactory(
      Map<String, SharingStrategyProvider> strategies,
      Map<String, TaskWeightingProvider> weightings) {
    return new NetworkFactory(strategies, weightings);
  }

  @Provides
  RunReporter runReporter() {
    return new RunReporter();
  }

  @Provides
  Trainer trainer(
      Mtl4jConfig config,
      Datasets datasets,
      BackendFactory backends,
      NetworkFactory networks,
      RunReporter reporter) {
    return new Trainer(config, datasets, backends, networks, reporter);
  }
}
