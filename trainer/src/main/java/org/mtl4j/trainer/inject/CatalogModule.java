package org.mtl4j.trainer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.util.Map;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.DataSourceInfo;
import org.mtl4j.trainer.config.PluginCatalog;
import org.mtl4j.trainer.data.DataSource;

/**
 * Installs the four plugin modules and exposes what they found as a {@link PluginCatalog} and a
 * {@link ConfigReader} that validates against it. Needs no config: the CLI's {@code plugins} and
 * {@code backends} commands and config reading use it.
 */
public final class CatalogModule extends AbstractModule {
  @Override
  protected void configure() {
    install(new BackendModule());
    install(new SharingModule());
    install(new WeightingModule());
    install(new DataModule());
  }

  @Provides
  @Singleton
  PluginCatalog catalog(
      Map<String, SharingStrategyProvider> strategies,
      Map<String, TaskWeightingProvider> weightings,
      Map<String, DataSource> sources,
      Backends backends) {
    return new PluginCatalog(
        strategies, weightings, Map.<String, DataSourceInfo>copyOf(sources), backends.names());
  }

  @Provides
  ConfigReader configReader(PluginCatalog catalog) {
    return new ConfigReader(catalog);
  }
}
