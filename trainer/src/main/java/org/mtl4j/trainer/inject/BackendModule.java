package org.mtl4j.trainer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.mtl4j.api.backend.Backends;
import org.mtl4j.api.backend.ComputeBackendProvider;
import org.mtl4j.trainer.training.BackendFactory;

/**
 * Binds every {@link ComputeBackendProvider} found by {@link ServiceLoader} into a {@code
 * MapBinder<String, ComputeBackendProvider>} keyed by provider name, and the {@link Backends}
 * selection over them. Providers are cheap to construct and load no native library; nothing is
 * probed or opened here.
 */
public final class BackendModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder<String, ComputeBackendProvider> map =
        MapBinder.newMapBinder(binder(), String.class, ComputeBackendProvider.class);
    for (ComputeBackendProvider p : ServiceLoader.load(ComputeBackendProvider.class, loader())) {
      map.addBinding(p.name()).toInstance(p);
    }
  }

  @Provides
  @Singleton
  Backends backends(Map<String, ComputeBackendProvider> providers) {
    return new Backends(List.copyOf(providers.values()));
  }

  @Provides
  @Singleton
  BackendFactory backendFactory(Backends backends) {
    return new BackendFactory(backends);
  }

  static ClassLoader loader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : BackendModule.class.getClassLoader();
  }
}
