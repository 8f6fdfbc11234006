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
import org.mtl4j.api.nn.Linear;
import org.mtl4j.api.nn.Mlp;
import org.mtl4j.api.nn.Mode;
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
 * MLP {@code Mlp(inputSize, spec.hidden)}, read by one tower per task ({@code spec.towerHidden},
 * then an output layer of {@code task.outputSize()}).
 *
 * <p>The trunk's parameters are shared, each tower's belong to its task; the representation is the
 * trunk output and the last shared weight the trunk's last linear weight (where GradNorm measures
 * gradient norms). It takes no options.
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
      Mlp trunk =
          parts.add(Towers.hidden(backend, spec, "trunk", spec.inputSize(), Seeds.trunk(seed)));
      Map<String, Mlp> towers = new LinkedHashMap<>();
      for (int t = 0; t < tasks.size(); t++) {
        Task task = tasks.get(t);
        towers.put(
            task.name(),
            parts.add(Towers.tower(backend, spec, task, t, spec.representationSize(), seed)));
      }
      return new Network(tasks, trunk, towers);
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /** A shared trunk and per-task towers. */
  static final class Network extends BaseNetwork {
    private final Mlp trunk;
    private final Map<String, Mlp> towers;

    Network(List<Task> tasks, Mlp trunk, Map<String, Mlp> towers) {
      super(tasks, trunk.parameters(), parametersOf(towers));
      this.trunk = trunk;
      this.towers = towers;
    }

    private static Map<String, List<Parameter>> parametersOf(Map<String, Mlp> towers) {
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
      List<Linear> ls = trunk.linears();
      return Optional.of(ls.get(ls.size() - 1).weight());
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
