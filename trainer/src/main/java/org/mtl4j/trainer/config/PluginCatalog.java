package org.mtl4j.trainer.config;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/**
 * The discovered plugins by name: what a config may refer to. A config can only name one of these,
 * never a class.
 */
public record PluginCatalog(
    Map<String, SharingStrategyProvider> strategies,
    Map<String, TaskWeightingProvider> weightings,
    Map<String, DataSourceInfo> dataSources,
    List<String> backends) {
  public PluginCatalog {
    strategies = java.util.Collections.unmodifiableMap(new TreeMap<>(strategies));
    weightings = java.util.Collections.unmodifiableMap(new TreeMap<>(weightings));
    dataSources = java.util.Collections.unmodifiableMap(new TreeMap<>(dataSources));
    backends = List.copyOf(backends);
  }
}
