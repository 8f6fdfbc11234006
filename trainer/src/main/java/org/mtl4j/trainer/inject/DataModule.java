package org.mtl4j.trainer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import java.util.Map;
import org.mtl4j.trainer.data.CsvSource;
import org.mtl4j.trainer.data.DataSource;
import org.mtl4j.trainer.data.Datasets;
import org.mtl4j.trainer.data.FashionMnistFiles;
import org.mtl4j.trainer.data.FashionMnistSource;
import org.mtl4j.trainer.data.MultiFashionSource;
import org.mtl4j.trainer.data.SyntheticMmoeSource;

/**
 * Binds the built-in data sources into a {@code MapBinder<String, DataSource>} keyed by name, and
 * where Fashion-MNIST files are looked for ({@link FashionMnistFiles}; tests override it).
 */
public final class DataModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder<String, DataSource> map =
        MapBinder.newMapBinder(binder(), String.class, DataSource.class);
    map.addBinding("fashion-mnist").to(FashionMnistSource.class);
    map.addBinding("multi-fashion").to(MultiFashionSource.class);
    map.addBinding("csv").toInstance(new CsvSource());
    map.addBinding("synthetic-mmoe").toInstance(new SyntheticMmoeSource());
  }

  @Provides
  @Singleton
  FashionMnistFiles fashionMnistFiles() {
    return FashionMnistFiles.standard();
  }

  @Provides
  FashionMnistSource fashionMnist(FashionMnistFiles files) {
    return new FashionMnistSource(files);
  }

  @Provides
  MultiFashionSource multiFashion(FashionMnistFiles files) {
    return new MultiFashionSource(files);
  }

  @Provides
  @Singleton
  Datasets datasets(Map<String, DataSource> sources) {
    return new Datasets(sources);
  }
}
