package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.mtl4j.api.nn.Activation;

/**
 * The model section: the sharing strategy with its options and the layer settings every strategy
 * interprets (see {@link org.mtl4j.api.sharing.NetworkSpec}).
 */
public record ModelConfig(
    String strategy,
    Map<String, Object> options,
    List<Integer> hidden,
    List<Integer> tower,
    Activation activation,
    double dropout,
    boolean layerNorm)
    implements Serializable {
  public ModelConfig {
    Objects.requireNonNull(strategy, "strategy");
    options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    hidden = List.copyOf(hidden);
    tower = List.copyOf(tower);
    Objects.requireNonNull(activation, "activation");
  }
}
