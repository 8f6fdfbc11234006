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
 * {@code soft}: soft parameter sharing by task regularisation. Every task has its own column (the
 * spec's hidden layers or its trunk layer list, {@code column.<task>}) and tower; nothing is
 * shared, and the columns are pulled together by the penalty {@code Ω = λ · Σ_layers
 * coupling(W_1^l, …, W_T^l)} over the weights of corresponding column layers: linear weight
 * matrices and convolution kernels {@code [K, C, kH, kW]} alike, those inside residual blocks
 * included (biases, layer and batch norms and towers are not coupled). Each column keeps its own
 * batch-norm statistics.
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
      Map<String, Module> columns = new LinkedHashMap<>();
      Map<String, Module> towers = new LinkedHashMap<>();
      for (int t = 0; t < tasks.size(); t++) {
        Task task = tasks.get(t);
        columns.put(
            task.name(),
            parts.add(
                Towers.shared(backend, spec, "column." + task.name(), Seeds.column(seed, t))));
        towers.put(
            task.name(),
            parts.add(Towers.tower(backend, spec, task, t, spec.representationSize(), seed)));
      }
      return new Network(tasks, columns, towers, coupling, lambda, parts.buffers());
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /** Independent columns and towers, coupled only through Ω. */
  static final class Network extends BaseNetwork {
    private final Map<String, Module> columns;
    private final Map<String, Module> towers;
    private final Coupling coupling;
    private final float lambda;
    private final List<List<Parameter>> coupled = new ArrayList<>();

    Network(
        List<Task> tasks,
        Map<String, Module> columns,
        Map<String, Module> towers,
        Coupling coupling,
        float lambda,
        List<Buffer> buffers) {
      super(tasks, List.of(), parametersOf(columns, towers), buffers);
      this.columns = columns;
      this.towers = towers;
      this.coupling = coupling;
      this.lambda = lambda;
      List<List<Parameter>> perColumn = columns.values().stream().map(Towers::weights).toList();
      for (int l = 0; l < perColumn.get(0).size(); l++) {
        List<Parameter> layer = new ArrayList<>();
        for (List<Parameter> column : perColumn) {
          layer.add(column.get(l));
        }
        coupled.add(List.copyOf(layer));
      }
    }

    private static Map<String, List<Parameter>> parametersOf(
        Map<String, Module> columns, Map<String, Module> towers) {
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
      List<Var> perLayer = new ArrayList<>(coupled.size());
      for (List<Parameter> layer : coupled) {
        List<Var> weights = new ArrayList<>(layer.size());
        for (Parameter w : layer) {
          weights.add(g.param(w));
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
