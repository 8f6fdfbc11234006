package org.mtl4j.trainer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import java.util.ServiceLoader;
import org.mtl4j.api.sharing.SharingStrategyProvider;

/**
 * Binds every {@link SharingStrategyProvider} found by {@link ServiceLoader} into a {@code
 * MapBinder<String, SharingStrategyProvider>} keyed by strategy name.
 */
public final class SharingModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder<String, SharingStrategyProvider> map =
        MapBinder.newMapBinder(binder(), String.class, SharingStrategyProvider.class);
    for (SharingStrategyProvider p :
        ServiceLoader.load(SharingStrategyProvider.class, BackendModule.loader())) {
      map.addBinding(p.name()).toInstance(p);
    }
  }
}
