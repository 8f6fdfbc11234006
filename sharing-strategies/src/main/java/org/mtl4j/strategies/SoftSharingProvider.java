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
 * {@code soft}: soft parameter sharing by task regularisation. Every task has its own column (the
 * spec's hidden layers, {@code column.<task>}) and tower; nothing is shared, and the columns are
 * pulled together by the penalty {@code Ω = λ · Σ_layers coupling(W_1^l, …, W_T^l)} over the weight
 * matrices of corresponding column layers (biases, norms and towers are not coupled).
 *
 * <p>Couplings (option {@code coupling}): {@code l2-mean} (default), the squared L2 distance of
 * each task's weights to their across-task mean; {@code l2-pairwise}, the squared L2 distance of
 * every pair, as Duong, Cohn, Bird and Cook, "Low Resource Dependency Parsing: Cross-lingual
 * Parameter Sharing in a Neural Network Parser", ACL 2015, couple two parsers; {@code trace-norm},
 * the nuclear norm of the T × (in·out) matrix of stacked weights, after Yang and Hospedales, "Trace
 * Norm Regularised Deep Multi-Task Learning", ICLR workshop 2017 (see {@link Coupling}). Option
 * {@code lambda} (default 0.01) is λ.
 *
 * <p>Ω is a differentiable var on the training graph ({@link MultiTaskNetwork#penalty}); the
 * representation is null and there is no shared parameter.
 */
public final class SoftSharingProvider implements SharingStrategyProvider {
  static final String NAME = "soft";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "soft sharing: per-task columns coupled by an L2 or trace-norm penalty"
        + " (Duong et al. 2015; Yang & Hospedales 2017)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofChoice(
            "coupling",
            "l2-mean",
            "penalty on corresponding column weights",
            "l2-mean",
            "l2-pairwise",
            "trace-norm"),
        OptionSpec.ofDouble("lambda", 0.01, "strength λ >= 0 of the coupling penalty Ω"));
  }

  @Override
  public SharingStrategy create(Options options) {
    Coupling coupling = Coupling.parse(options.getString("coupling"));
    double lambda = options.getDouble("lambda");
    if (!(lambda >= 0) || lambda > Float.MAX_VALUE) {
      throw options.invalid("lambda", lambda, "a finite number >= 0");
    }
    return (spec, tasks, backend, seed) ->
        build(spec, tasks, backend, seed, coupling, (float) lambda);
  }

  static MultiTaskNetwork build(
      NetworkSpec spec,
      List<Task> tasks,
      ComputeBackend backend,
      long seed,
      Coupling coupling,
      float lambda) {
    Checks.specAndTasks(NAME, spec, tasks, 2);
    Parts parts = new Parts();
    try {
      Map<String, Mlp> columns = new LinkedHashMap<>();
      Map<String, Mlp> towers = new LinkedHashMap<>();
      for (int t = 0; t < tasks.size(); t++) {
        Task task = tasks.get(t);
        columns.put(
            task.name(),
            parts.add(
                Towers.hidden(
                    backend,
                    spec,
                    "column." + task.name(),
                    spec.inputSize(),
                    Seeds.column(seed, t))));
        towers.put(
            task.name(),
            parts.add(Towers.tower(backend, spec, task, t, spec.representationSize(), seed)));
      }
      return new Network(tasks, columns, towers, coupling, lambda);
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /** Independent columns and towers, coupled only through Ω. */
  static final class Network extends BaseNetwork {
    private final Map<String, Mlp> columns;
    private final Map<String, Mlp> towers;
    private final Coupling coupling;
    private final float lambda;

    Network(
        List<Task> tasks,
        Map<String, Mlp> columns,
        Map<String, Mlp> towers,
        Coupling coupling,
        float lambda) {
      super(tasks, List.of(), parametersOf(columns, towers));
      this.columns = columns;
      this.towers = towers;
      this.coupling = coupling;
      this.lambda = lambda;
    }

    private static Map<String, List<Parameter>> parametersOf(
        Map<String, Mlp> columns, Map<String, Mlp> towers) {
      Map<String, List<Parameter>> m = new LinkedHashMap<>();
      for (String task : columns.keySet()) {
        List<Parameter> ps = new ArrayList<>(columns.get(task).parameters());
        ps.addAll(towers.get(task).parameters());
        m.put(task, ps);
      }
      return m;
    }

    @Override
    public NetworkOutput forward(Graph g, Var input, Mode mode) {
      Map<String, Var> outputs = new LinkedHashMap<>();
      for (String task : columns.keySet()) {
        Var h = columns.get(task).forward(g, input, mode);
        outputs.put(task, towers.get(task).forward(g, h, mode));
      }
      return new NetworkOutput(outputs, null);
    }

    @Override
    public Optional<Var> penalty(Graph g) {
      List<List<Linear>> layers = columns.values().stream().map(Mlp::linears).toList();
      List<Var> perLayer = new ArrayList<>();
      for (int l = 0; l < layers.get(0).size(); l++) {
        List<Var> weights = new ArrayList<>();
        for (List<Linear> column : layers) {
          weights.add(g.param(column.get(l).weight()));
        }
        perLayer.add(coupling.apply(g, weights));
      }
      return Optional.of(g.scale(g.sumOf(perLayer), lambda));
    }
  }

  @Override
  public String assumptions() {
    return "each task has its own column; a regulariser Ω keeps the columns' parameters close";
  }

  @Override
  public String costPerStep() {
    return "T columns, about T× hard's trunk, and Ω's gradient";
  }
}
