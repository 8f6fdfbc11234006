package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.WeightInit;

/**
 * The model section: the sharing strategy with its options and the layer settings every strategy
 * interprets (see {@link org.mtl4j.api.sharing.NetworkSpec}), and how the layers are initialised
 * ({@code init}, {@code init_bias}).
 */
public record ModelConfig(
    String strategy,
    Map<String, Object> options,
    List<Integer> hidden,
    List<Integer> tower,
    Activation activation,
    double dropout,
    boolean layerNorm,
    WeightInit init)
    implements Serializable {

  /** A model section with the default initialisation ({@link WeightInit#DEFAULT}). */
  public ModelConfig(
      String strategy,
      Map<String, Object> options,
      List<Integer> hidden,
      List<Integer> tower,
      Activation activation,
      double dropout,
      boolean layerNorm) {
    this(strategy, options, hidden, tower, activation, dropout, layerNorm, WeightInit.DEFAULT);
  }

  public ModelConfig {
    Objects.requireNonNull(strategy, "strategy");
    options = java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    hidden = List.copyOf(hidden);
    tower = List.copyOf(tower);
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(init, "init");
  }

  /** This model section with another sharing strategy and its options. */
  public ModelConfig withStrategy(String s, Map<String, Object> opts) {
    return new ModelConfig(s, opts, hidden, tower, activation, dropout, layerNorm, init);
  }
}
