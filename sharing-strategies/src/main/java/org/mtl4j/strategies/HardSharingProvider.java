package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.nn.Module;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.sharing.SharingStrategy;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.task.Task;

/**
 * {@code hard}: hard parameter sharing (Caruana, "Multitask Learning", Machine Learning 28, 1997;
 * Ruder, "An Overview of Multi-Task Learning in Deep Neural Networks", 2017): one shared trunk, the
 * MLP {@code Mlp(inputSize, spec.hidden)} or the spec's trunk layer list over its input (e.g. the
 * convolutions of a LeNet, Sener and Koltun 2018), read by one tower per task ({@code
 * spec.towerHidden} or the spec's tower layer list, then an output layer of {@code
 * task.outputSize()}).
 *
 * <p>The trunk's parameters are shared, each tower's belong to its task; the representation is the
 * trunk output as {@code [N, representationSize]} rows and the last shared weight the trunk's last
 * linear or convolution weight (where GradNorm measures gradient norms). Batch norms of the trunk
 * see the whole batch, which every task shares, so one set of running statistics serves all tasks.
 * It takes no options.
 */
public final class HardSharingProvider implements SharingStrategyProvider {
  static final String NAME = "hard";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "hard parameter sharing: shared trunk, one tower per task (Caruana 1997; Ruder 2017)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of();
  }

  @Override
  public SharingStrategy create(Options options) {
    return HardSharingProvider::build;
  }

  static MultiTaskNetwork build(
      NetworkSpec spec, List<Task> tasks, ComputeBackend backend, long seed) {
    Checks.specAndTasks(NAME, spec, tasks, 1);
    Parts parts = new Parts();
    try {
      Module trunk = parts.add(Towers.shared(backend, spec, "trunk", Seeds.trunk(seed)));
      Map<String, Module> towers = new LinkedHashMap<>();
      for (int t = 0; t < tasks.size(); t++) {
        Task task = tasks.get(t);
        towers.put(
            task.name(),
            parts.add(Towers.tower(backend, spec, task, t, spec.representationSize(), seed)));
      }
      return new Network(tasks, trunk, towers, parts.buffers());
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /** A shared trunk and per-task towers. */
  static final class Network extends BaseNetwork {
    private final Module trunk;
    private final Map<String, Module> towers;
    private final Parameter lastWeight;

    Network(List<Task> tasks, Module trunk, Map<String, Module> towers, List<Buffer> buffers) {
      super(tasks, trunk.parameters(), parametersOf(towers), buffers);
      this.trunk = trunk;
      this.towers = towers;
      this.lastWeight = Towers.lastWeight(trunk.parameters());
    }

    private static Map<String, List<Parameter>> parametersOf(Map<String, Module> towers) {
      Map<String, List<Parameter>> m = new LinkedHashMap<>();
      towers.forEach((k, v) -> m.put(k, new ArrayList<>(v.parameters())));
      return m;
    }

    @Override
    public NetworkOutput forward(Graph g, Var input, Mode mode) {
      Var representation = trunk.forward(g, input, mode);
      Map<String, Var> outputs = new LinkedHashMap<>();
      towers.forEach((name, tower) -> outputs.put(name, tower.forward(g, representation, mode)));
      return new NetworkOutput(outputs, representation);
    }

    @Override
    public Optional<Parameter> lastSharedWeight() {
      return Optional.ofNullable(lastWeight);
    }
  }

  @Override
  public String assumptions() {
    return "the tasks share their input and benefit from one common representation";
  }

  @Override
  public String costPerStep() {
    return "one trunk and T heads (the reference)";
  }
}
