package org.mtl4j.trainer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import java.util.Map;
import java.util.ServiceLoader;
import org.mtl4j.trainer.data.DataSource;
import org.mtl4j.trainer.data.Datasets;
import org.mtl4j.trainer.data.FashionMnistFiles;
import org.mtl4j.trainer.data.FashionMnistSource;
import org.mtl4j.trainer.data.MultiFashionSource;

/**
 * Binds every {@link DataSource} found by {@link ServiceLoader} (the built-in ones and those of
 * plugin jars) into a {@code MapBinder<String, DataSource>} keyed by name, and where Fashion-MNIST
 * files are looked for ({@link FashionMnistFiles}; tests override it): the two built-in sources
 * that read them are built with the bound {@link FashionMnistFiles}.
 */
public final class DataModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder<String, DataSource> map =
        MapBinder.newMapBinder(binder(), String.class, DataSource.class);
    for (DataSource s : ServiceLoader.load(DataSource.class, BackendModule.loader())) {
      if (s.getClass() == FashionMnistSource.class) {
        map.addBinding(s.name()).to(FashionMnistSource.class);
      } else if (s.getClass() == MultiFashionSource.class) {
        map.addBinding(s.name()).to(MultiFashionSource.class);
      } else {
        map.addBinding(s.name()).toInstance(s);
      }
    }
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
