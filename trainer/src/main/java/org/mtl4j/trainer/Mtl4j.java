package org.mtl4j.trainer;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import org.mtl4j.trainer.config.ConfigBuilder;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.PluginCatalog;
import org.mtl4j.trainer.inject.CatalogModule;
import org.mtl4j.trainer.inject.Mtl4jModule;
import org.mtl4j.trainer.training.Trainer;

/**
 * Embedding mtl4j without learning Guice: {@code Mtl4j.trainer(Path.of("mtl.yaml")).train()}. The
 * returned {@link Trainer} can be cancelled from another thread and reports progress to {@link
 * org.mtl4j.trainer.training.TrainingListener}s.
 */
public final class Mtl4j {
  private Mtl4j() {}

  /** A trainer for a validated config. */
  public static Trainer trainer(Mtl4jConfig config) {
    return Guice.createInjector(new Mtl4jModule(config)).getInstance(Trainer.class);
  }

  /**
   * A trainer for a YAML config file.
   *
   * @throws org.mtl4j.trainer.config.ConfigException listing every problem of the file
   */
  public static Trainer trainer(Path yaml) {
    return trainer(readConfig(yaml));
  }

  /**
   * A config written in Java code (no YAML file): tasks, data source, strategy and weighting by
   * name, any other key by its path; {@link ConfigBuilder#build()} validates it.
   */
  public static ConfigBuilder config(String name) {
    return new ConfigBuilder(configReader(), name);
  }

  /** Reads and validates a YAML config against the discovered plugins. */
  public static Mtl4jConfig readConfig(Path yaml) {
    return catalogInjector().getInstance(ConfigReader.class).read(yaml);
  }

  /**
   * One of the trainer's components for a validated config ({@link
   * org.mtl4j.trainer.data.Datasets}, {@link org.mtl4j.trainer.training.NetworkFactory}, {@link
   * org.mtl4j.trainer.training.BackendFactory}, ...), for embedders that run their own loop around
   * them (mtl4j-spark) without depending on Guice.
   */
  public static <T> T component(Mtl4jConfig config, Class<T> type) {
    return Guice.createInjector(new Mtl4jModule(config)).getInstance(type);
  }

  /** A config reader that validates against the discovered plugins. */
  public static ConfigReader configReader() {
    return catalogInjector().getInstance(ConfigReader.class);
  }

  /** The discovered strategies, weightings, data sources and backends. */
  public static PluginCatalog plugins() {
    return catalogInjector().getInstance(PluginCatalog.class);
  }

  private static Injector catalogInjector() {
    return Guice.createInjector(new CatalogModule());
  }
}
