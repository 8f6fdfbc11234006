package org.mtl4j.trainer.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.WeightInit;

/**
 * The model section: the sharing strategy with its options and the layer settings every strategy
 * interprets (see {@link org.mtl4j.api.sharing.NetworkSpec}), and how the layers are initialised
 * ({@code init}, {@code init_bias}).
 *
 * <p>The shared part is an MLP of {@code hidden} sizes or a {@code trunk} layer list; each tower an
 * MLP of {@code tower} sizes or a {@code towerLayers} list. A {@code preset} ({@link ModelPresets})
 * names the lists it was filled from; the lists are what the network is built from.
 *
 * @param preset the named architecture the layer lists came from, or null
 * @param trunk the shared part as layers (empty: the {@code hidden} MLP)
 * @param towerLayers each task's tower as layers (empty: the {@code tower} MLP)
 */
public record ModelConfig(
    String strategy,
    Map<String, Object> options,
    List<Integer> hidden,
    List<Integer> tower,
    Activation activation,
    double dropout,
    boolean layerNorm,
    WeightInit init,
    String preset,
    List<LayerSpec> trunk,
    List<LayerSpec> towerLayers)
    implements Serializable {

  /** An MLP model section: no preset, no layer lists. */
  public ModelConfig(
      String strategy,
      Map<String, Object> options,
      List<Integer> hidden,
      List<Integer> tower,
      Activation activation,
      double dropout,
      boolean layerNorm,
      WeightInit init) {
    this(
        strategy,
        options,
        hidden,
        tower,
        activation,
        dropout,
        layerNorm,
        init,
        null,
        List.of(),
        List.of());
  }

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
    trunk = List.copyOf(trunk);
    towerLayers = List.copyOf(towerLayers);
    Objects.requireNonNull(activation, "activation");
    Objects.requireNonNull(init, "init");
  }

  /** This model section with another sharing strategy and its options. */
  public ModelConfig withStrategy(String s, Map<String, Object> opts) {
    return new ModelConfig(
        s, opts, hidden, tower, activation, dropout, layerNorm, init, preset, trunk, towerLayers);
  }
}
