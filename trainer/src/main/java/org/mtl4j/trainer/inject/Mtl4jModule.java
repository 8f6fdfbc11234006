package org.mtl4j.trainer.inject;

import com.google.inject.AbstractModule;
import java.util.Objects;
import org.mtl4j.trainer.config.Mtl4jConfig;

/**
 * Everything a training run needs for one config: the plugin modules ({@link BackendModule}, {@link
 * SharingModule}, {@link WeightingModule}, {@link DataModule}, via {@link CatalogModule}), the
 * {@link TrainerModule} and the config itself. Replace pieces in tests with {@code
 * Modules.override(new Mtl4jModule(config)).with(...)}.
 */
public final class Mtl4jModule extends AbstractModule {
  private final Mtl4jConfig config;

  public Mtl4jModule(Mtl4jConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  protected void configure() {
    install(new CatalogModule());
    install(new TrainerModule());
    bind(Mtl4jConfig.class).toInstance(config);
  }
}
