package org.mtl4j.strategies;

import java.lang.ref.WeakReference;
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
 * {@code dselect-k}: a multi-gate mixture of experts whose per-task gates are DSelect-k gates
 * (Hazimeh, Zhao, Chowdhery, Sathiamoorthy, Chen, Mazumder, Hong and Chi, "DSelect-k:
 * Differentiable Selection in the Mixture of Experts with Applications to Multi-Task Learning",
 * NeurIPS 2021). {@code experts} experts (MLPs of the spec's hidden layers, or stacks of its trunk
 * layer list read as flat rows) read the input; task t's example-conditioned gate ({@link
 * DSelectGate}: {@code selectors} = k smooth-step binary-encoded selectors mixed by a softmax)
 * weights them, and task t's tower reads the mixture. Unlike MMoE's softmax gate, which keeps every
 * expert, the DSelect-k gate has at most k non-zero weights once its selectors' logits leave the
 * smooth-step's ramp, where the entropy regulariser drives them; it stays differentiable until
 * then.
 *
 * <p>Ω is the paper's entropy regulariser, which drives each selector to a single expert: {@code Ω
 * = λ · Σ_t Σ_i mean_rows(−Σ_j r_ij log(r_ij + 10⁻⁶))} with λ = option {@code entropy}, plus, when
 * n is not a power of two (some binary codes name no expert), {@code Σ_t Σ_i mean_rows(1/(Σ_j r_ij
 * + 10⁻⁶) − 1)}, which pushes each selector's mass onto existing experts (0 when it is all there).
 * Both depend on the input, so Ω is the one recorded by the TRAIN-mode {@link
 * MultiTaskNetwork#forward} on the same graph; {@link MultiTaskNetwork#penalty} is empty on a graph
 * without one (EVAL forwards, or a step built without a forward pass, such as Spark's synchronous
 * driver step).
 *
 * <p>Parameters: the experts are shared; task t's gate ({@code gate.<task>.z}, {@code
 * gate.<task>.alpha}) and tower are task t's. The representation is the concatenation of the expert
 * outputs (the gates read the input), so every head depends on the shared parameters only through
 * it; {@link MultiTaskNetwork#lastSharedWeight()} is empty.
 */
public final class DSelectKProvider implements SharingStrategyProvider {
  static final String NAME = "dselect-k";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "mixture of experts with differentiable top-k gates: smooth-step binary selectors,"
        + " entropy regulariser as Ω (Hazimeh et al. 2021)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofInt("experts", 4, "number n >= 2 of expert networks"),
        OptionSpec.ofInt("selectors", 2, "k: experts each task's gate selects, 1 <= k <= n"),
        OptionSpec.ofDouble("gamma", 1.0, "width γ > 0 of the smooth-step function's ramp"),
        OptionSpec.ofDouble(
            "entropy", 1e-3, "weight λ >= 0 of the selectors' entropy regulariser (Ω)"));
  }

  @Override
  public SharingStrategy create(Options options) {
    int experts = options.getInt("experts");
    if (experts < 2) {
      throw options.invalid("experts", experts, "an integer >= 2");
    }
    int selectors = options.getInt("selectors");
    if (selectors < 1 || selectors > experts) {
      throw options.invalid(
          "selectors", selectors, "an integer from 1 to experts (" + experts + ")");
    }
    double gamma = options.getDouble("gamma");
    if (!(gamma > 0) || Double.isInfinite(gamma)) {
      throw options.invalid("gamma", gamma, "a finite number > 0");
    }
    double entropy = options.getDouble("entropy");
    if (!(entropy >= 0) || Double.isInfinite(entropy)) {
      throw options.invalid("entropy", entropy, "a finite number >= 0");
    }
    return (spec, tasks, backend, seed) ->
        build(spec, tasks, backend, seed, experts, selectors, gamma, entropy);
  }

  static MultiTaskNetwork build(
      NetworkSpec spec,
      List<Task> tasks,
      ComputeBackend backend,
      long seed,
      int n,
      int k,
      double gamma,
      double entropy) {
    Checks.specAndTasks(NAME, spec, tasks, 1);
    Parts parts = new Parts();
    try {
      List<Module> experts = new ArrayList<>();
      for (int e = 0; e < n; e++) {
        experts.add(parts.add(Towers.shared(backend, spec, "expert." + e, Seeds.expert(seed, e))));
      }
      Map<String, DSelectGate> gates = new LinkedHashMap<>();
      Map<String, Module> towers = new LinkedHashMap<>();
      for (int t = 0; t < tasks.size(); t++) {
        Task task = tasks.get(t);
        DSelectGate gate =
            new DSelectGate(
                backend,
                "gate." + task.name(),
                spec.inputSize(),
                n,
                k,
                gamma,
                Seeds.gate(seed, t),
                Seeds.selectorWeights(seed, t));
        gate.modules().forEach(parts::add);
        gates.put(task.name(), gate);
        towers.put(
            task.name(),
            parts.add(Towers.tower(backend, spec, task, t, spec.representationSize(), seed)));
      }
      return new Network(tasks, experts, gates, towers, (float) entropy, n, parts.buffers());
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /** Shared experts, per-task DSelect-k gates and towers. */
  static final class Network extends BaseNetwork {
    private static final float LOG_EPS = 1e-6f;
    private final List<Module> experts;
    private final Map<String, DSelectGate> gates;
    private final Map<String, Module> towers;
    private final float entropy;
    private final boolean powerOfTwo;
    private WeakReference<Graph> penaltyGraph = new WeakReference<>(null);
    private WeakReference<Var> penalty = new WeakReference<>(null);

    Network(
        List<Task> tasks,
        List<Module> experts,
        Map<String, DSelectGate> gates,
        Map<String, Module> towers,
        float entropy,
        int n,
        List<Buffer> buffers) {
      super(tasks, expertParameters(experts), gateAndTowerParameters(gates, towers), buffers);
      this.experts = experts;
      this.gates = gates;
      this.towers = towers;
      this.entropy = entropy;
      this.powerOfTwo = Integer.bitCount(n) == 1;
    }

    private static List<Parameter> expertParameters(List<Module> experts) {
      List<Parameter> ps = new ArrayList<>();
      experts.forEach(e -> ps.addAll(e.parameters()));
      return ps;
    }

    private static Map<String, List<Parameter>> gateAndTowerParameters(
        Map<String, DSelectGate> gates, Map<String, Module> towers) {
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
      List<Var> omega = new ArrayList<>();
      for (Map.Entry<String, DSelectGate> gate : gates.entrySet()) {
        DSelectGate.Selection sel = gate.getValue().select(g, rows, mode);
        Var mixture = Mixtures.gated(g, views, sel.weights());
        outputs.put(gate.getKey(), towers.get(gate.getKey()).forward(g, mixture, mode));
        if (mode == Mode.TRAIN) {
          for (Var r : sel.selectors()) {
            omega.add(regulariser(g, r));
          }
        }
      }
      if (mode == Mode.TRAIN && !omega.isEmpty()) {
        penaltyGraph = new WeakReference<>(g);
        penalty = new WeakReference<>(g.sumOf(omega));
      } else if (penaltyGraph.get() == g) {
        penaltyGraph = new WeakReference<>(null);
        penalty = new WeakReference<>(null);
      }
      return new NetworkOutput(outputs, representation);
    }

    /** One selector's share of Ω for its {@code [n, experts]} weights r. */
    private Var regulariser(Graph g, Var r) {
      int cols = r.shape().cols();
      Var plogp = g.mul(r, g.log(g.addScalar(r, LOG_EPS)));
      // mean over all n·E entries times E = mean over rows of the per-row sum
      Var term = g.scale(g.mean(plogp), -entropy * cols);
      if (!powerOfTwo) {
        Var inverseMass = g.exp(g.scale(g.log(g.addScalar(g.sumCols(r), LOG_EPS)), -1f));
        term = g.add(term, g.addScalar(g.mean(inverseMass), -1f));
      }
      return term;
    }

    @Override
    public Optional<Var> penalty(Graph g) {
      Var p = penalty.get();
      return penaltyGraph.get() == g && p != null ? Optional.of(p) : Optional.empty();
    }
  }

  @Override
  public String assumptions() {
    return "each task needs only k of the experts; its sparse selection is learned with"
        + " differentiable binary-encoded gates";
  }

  @Override
  public String costPerStep() {
    return "E experts and T smooth-step gates (k-sparse once converged)";
  }
}
