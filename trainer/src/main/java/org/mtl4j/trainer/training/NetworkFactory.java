package org.mtl4j.trainer.training;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.LayerShape;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.LayerStack;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingContext;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.ModelConfig;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.InputLayout;

/** Builds the configured network and weighting method from the discovered plugins. */
public final class NetworkFactory {
  private final Map<String, SharingStrategyProvider> strategies;
  private final Map<String, TaskWeightingProvider> weightings;

  public NetworkFactory(
      Map<String, SharingStrategyProvider> strategies,
      Map<String, TaskWeightingProvider> weightings) {
    this.strategies = Map.copyOf(strategies);
    this.weightings = Map.copyOf(weightings);
  }

  /**
   * Over the strategies and weighting methods {@link ServiceLoader} finds with {@code loader}: what
   * the injector binds, for processes without one (Spark executors).
   */
  public static NetworkFactory discover(ClassLoader loader) {
    Map<String, SharingStrategyProvider> strategies = new LinkedHashMap<>();
    ServiceLoader.load(SharingStrategyProvider.class, loader)
        .forEach(p -> strategies.put(p.name(), p));
    Map<String, TaskWeightingProvider> weightings = new LinkedHashMap<>();
    ServiceLoader.load(TaskWeightingProvider.class, loader)
        .forEach(p -> weightings.put(p.name(), p));
    return new NetworkFactory(strategies, weightings);
  }

  /** The configured strategy's network over {@code inputSize} plain features. */
  public MultiTaskNetwork network(
      Mtl4jConfig c, int inputSize, List<Task> tasks, ComputeBackend backend) {
    return network(c, InputLayout.dense(inputSize), tasks, backend);
  }

  /**
   * The configured strategy's network for an input of the given layout: with index columns to
   * embed, the strategy's network sits behind an {@link EmbeddedInputNetwork}.
   */
  public MultiTaskNetwork network(
      Mtl4jConfig c, InputLayout layout, List<Task> tasks, ComputeBackend backend) {
    ModelConfig m = c.model();
    SharingStrategyProvider p = strategies.get(m.strategy());
    if (p == null) {
      throw new ConfigException(
          List.of(
              "model.strategy: '"
                  + m.strategy()
                  + "' is not one of "
                  + String.join(", ", strategies.keySet())));
    }
    NetworkSpec spec = spec(m, layout);
    MultiTaskNetwork net =
        p.create(Options.parse(m.options(), p.options(), "model.options"))
            .build(spec, tasks, backend, CounterRng.derive(c.seed(), 1));
    if (layout.embedded().isEmpty()) {
      return net;
    }
    try {
      return new EmbeddedInputNetwork(net, layout, backend, c.seed());
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /**
   * The network spec of the model section over an input of the given layout, with every layer list
   * checked against the input's shape first: a list that does not fit is a {@link ConfigException}
   * naming {@code model.trunk[i]} or {@code model.tower[i]}, the layer and the shapes.
   */
  public static NetworkSpec spec(ModelConfig m, InputLayout layout) {
    int inputSize = layout.networkInputSize();
    FeatureShape image = layout.embedded().isEmpty() ? layout.image() : null;
    LayerShape in = image == null ? LayerShape.flat(inputSize) : LayerShape.image(image);
    LayerShape representation = checked("model.trunk", m.trunk(), in, in);
    if (m.trunk().isEmpty() && !m.hidden().isEmpty()) {
      representation = LayerShape.flat(m.hidden().get(m.hidden().size() - 1));
    }
    LayerShape towerOut = checked("model.tower", m.towerLayers(), representation, in);
    if (towerOut.isImage()) {
      throw new ConfigException(
          List.of(
              (m.towerLayers().isEmpty() ? "model.trunk" : "model.tower")
                  + ": ends in the image "
                  + towerOut.image()
                  + " (input "
                  + in
                  + "); end it with flatten or gap before the tasks' output layers"));
    }
    try {
      return new NetworkSpec(
          inputSize,
          m.hidden(),
          m.tower(),
          m.activation(),
          m.dropout(),
          m.layerNorm(),
          m.init(),
          m.trunk().isEmpty() && m.towerLayers().isEmpty() ? null : image,
          m.trunk(),
          m.towerLayers());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(List.of("model: " + e.getMessage()));
    }
  }

  private static LayerShape checked(
      String path, List<LayerSpec> layers, LayerShape in, LayerShape data) {
    try {
      return LayerStack.outputShape(layers, in);
    } catch (LayerStack.ShapeException e) {
      LayerShape before =
          e.index() == 0
              ? in
              : LayerStack.shapes(layers.subList(0, e.index()), in).get(e.index() - 1);
      throw new ConfigException(
          List.of(
              path
                  + "["
                  + e.index()
                  + "] ("
                  + e.layer().describe()
                  + "): does not fit its input "
                  + before
                  + (before.isImage() ? "" : " features")
                  + " (the data's input is "
                  + data
                  + "): "
                  + e.reason()));
    }
  }

  public TaskWeighting weighting(Mtl4jConfig c, List<Task> tasks, ComputeBackend backend) {
    TaskWeightingProvider p = weightings.get(c.weighting().method());
    if (p == null) {
      throw new ConfigException(
          List.of(
              "weighting.method: '"
                  + c.weighting().method()
                  + "' is not one of "
                  + String.join(", ", weightings.keySet())));
    }
    return p.create(
        Options.parse(c.weighting().options(), p.options(), "weighting.options"),
        new WeightingContext(tasks, backend, CounterRng.derive(c.seed(), 2)));
  }
}
