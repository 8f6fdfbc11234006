package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.Linear;
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
 * {@code mmoe}: the Multi-gate Mixture-of-Experts (Ma, Zhao, Yi, Chen, Hong and Chi, "Modeling Task
 * Relationships in Multi-task Learning with Multi-gate Mixture-of-Experts", KDD 2018). K experts
 * ({@code expert.<k>}: MLPs of the spec's hidden layers, or each a stack of the spec's trunk layer
 * list, e.g. a convolutional expert over an image, whose output is read as flat rows) read the
 * input; each task t has a gate {@code g^t(x) = softmax(x W_gt)} ({@code gate.<task>}, a linear map
 * from the input to K) and a tower reading {@code f^t(x) = Σ_k g^t(x)_k f_k(x)}.
 *
 * <p>Option {@code experts} (default 4) is K. The experts are shared; the gate and tower of task t
 * are task t's. The representation is the concatenation of the K expert outputs: the gates read the
 * input, not the experts, so every head depends on the shared parameters only through it. There is
 * no single last shared layer (K experts end in K layers), so {@link
 * MultiTaskNetwork#lastSharedWeight()} is empty.
 */
public final class MmoeProvider implements SharingStrategyProvider {
  static final String NAME = "mmoe";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "multi-gate mixture of experts: shared experts, one softmax gate per task (Ma et al."
        + " 2018)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(OptionSpec.ofInt("experts", 4, "number K >= 1 of expert networks"));
  }

  @Override
  public SharingStrategy create(Options options) {
    int experts = options.getInt("experts");
    if (experts < 1) {
      throw options.invalid("experts", experts, "an integer >= 1");
    }
    return (spec, tasks, backend, seed) -> build(spec, tasks, backend, seed, experts);
  }

  static MultiTaskNetwork build(
      NetworkSpec spec, List<Task> tasks, ComputeBackend backend, long seed, int k) {
    Checks.specAndTasks(NAME, spec, tasks, 1);
    Parts parts = new Parts();
    try {
      List<Module> experts = new ArrayList<>();
      for (int e = 0; e < k; e++) {
        experts.add(parts.add(Towers.shared(backend, spec, "expert." + e, Seeds.expert(seed, e))));
      }
      Map<String, Linear> gates = new LinkedHashMap<>();
      Map<String, Module> towers = new LinkedHashMap<>();
      for (int t = 0; t < tasks.size(); t++) {
        Task task = tasks.get(t);
        gates.put(
            task.name(),
            parts.add(
                new Linear(
                    backend,
                    "gate." + task.name(),
                    spec.inputSize(),
                    k,
                    true,
                    spec.init().output(),
                    spec.init().uniformBias(),
                    Seeds.gate(seed, t),
                    1f)));
        towers.put(
            task.name(),
            parts.add(Towers.tower(backend, spec, task, t, spec.representationSize(), seed)));
      }
      return new Network(tasks, experts, gates, towers, parts.buffers());
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /** Shared experts, per-task gates and towers. */
  static final class Network extends BaseNetwork {
    private final List<Module> experts;
    private final Map<String, Linear> gates;
    private final Map<String, Module> towers;

    Network(
        List<Task> tasks,
        List<Module> experts,
        Map<String, Linear> gates,
        Map<String, Module> towers,
        List<Buffer> buffers) {
      super(tasks, expertParameters(experts), gateAndTowerParameters(gates, towers), buffers);
      this.experts = experts;
      this.gates = gates;
      this.towers = towers;
    }

    private static List<Parameter> expertParameters(List<Module> experts) {
      List<Parameter> ps = new ArrayList<>();
      experts.forEach(e -> ps.addAll(e.parameters()));
      return ps;
    }

    private static Map<String, List<Parameter>> gateAndTowerParameters(
        Map<String, Linear> gates, Map<String, Module> towers) {
      Map<String, List<Parameter>> m = new LinkedHashMap<>();
      for (String task : gates.keySet()) {
        List<Parameter> ps = new ArrayList<>(gates.get(task).parameters());
        ps.addAll(towers.get(task).parameters());
        m.put(task, ps);
      }
      return m;
    }

    @Override
    public NetworkOutput forward(Graph g, Var input, Mode mode) {
      List<Var> outs = new ArrayList<>(experts.size());
      for (Module e : experts) {
        outs.add(e.forward(g, input, mode));
      }
      Var rows = FlatRows.of(g, input);
      Var representation = g.concatColumns(outs);
      List<Var> views = Mixtures.split(g, representation, experts.size());
      Map<String, Var> outputs = new LinkedHashMap<>();
      for (Map.Entry<String, Linear> gate : gates.entrySet()) {
        Var weights = g.softmax(gate.getValue().forward(g, rows, mode));
        Var mixture = Mixtures.gated(g, views, weights);
        outputs.put(gate.getKey(), towers.get(gate.getKey()).forward(g, mixture, mode));
      }
      return new NetworkOutput(outputs, representation);
    }
  }

  @Override
  public String assumptions() {
    return "tasks use different mixtures of shared experts, chosen per example by a softmax gate"
        + " per task";
  }

  @Override
  public String costPerStep() {
    return "E expert trunks and T gates";
  }
}
