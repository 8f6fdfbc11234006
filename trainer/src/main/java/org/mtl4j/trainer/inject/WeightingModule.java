package org.mtl4j.trainer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import java.util.ServiceLoader;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/**
 * Binds every {@link TaskWeightingProvider} found by {@link ServiceLoader} into a {@code
 * MapBinder<String, TaskWeightingProvider>} keyed by method name.
 */
public final class WeightingModule extends AbstractModule {
  @Override
  protected void configure() {
    MapBinder<String, TaskWeightingProvider> map =
        MapBinder.newMapBinder(binder(), String.class, TaskWeightingProvider.class);
    for (TaskWeightingProvider p :
        ServiceLoader.load(TaskWeightingProvider.class, BackendModule.loader())) {
      map.addBinding(p.name()).toInstance(p);
    }
  }
}
