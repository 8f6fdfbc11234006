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
import org.mtl4j.api.tensor.Shape;

/**
 * {@code cross-stitch}: cross-stitch networks (Misra, Shrivastava, Gupta and Hebert, "Cross-stitch
 * Networks for Multi-task Learning", CVPR 2016). Each task has a column with the spec's hidden
 * layers; after every hidden layer a cross-stitch unit replaces the activations {@code x_j} of the
 * T columns with the learned linear combinations {@code x̃_i = Σ_j α_ij x_j}, and each task's tower
 * reads its own column's mixed output.
 *
 * <p>Options:
 *
 * <ul>
 *   <li>{@code granularity}: {@code unit} (default) learns one T×T matrix α per cross-stitch unit,
 *       as in the paper's experiments; {@code channel} learns one T×T matrix per hidden unit
 *       (channel) of the layer, the finer variant the paper describes for convolutional channels.
 *   <li>{@code alpha_same} (default 0.9): initial α_ii; the off-diagonal starts at {@code α_other =
 *       (1 - α_same) / (T - 1)} so every row is a convex combination (the paper's {0.9, 0.1} for
 *       two tasks). {@code alpha_same = 1} starts from independent columns.
 *   <li>{@code alpha_lr_scale} (default 100): learning-rate multiplier of α. The paper scales the
 *       cross-stitch learning rate by 10^2 to 10^3 under SGD; mtl4j takes the low end, 10^2,
 *       because with Adam the step size is about the learning rate itself, so a larger scale moves
 *       α by whole units per step.
 * </ul>
 *
 * <p>Parameter partition: α of every unit is shared. Every column layer feeds a cross-stitch unit,
 * so with α_other ≠ 0 every task's loss depends on every column; columns are therefore reported as
 * shared too (as LibMTL treats the whole cross-stitch encoder), and only the towers belong to their
 * task. The representation is the concatenation of the T mixed outputs of the last unit (tower t
 * reads block t of it); the last shared weight is the last unit's α.
 */
public final class CrossStitchProvider implements SharingStrategyProvider {
  static final String NAME = "cross-stitch";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "cross-stitch units mixing per-task columns with learned α (Misra et al. 2016)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofChoice(
            "granularity",
            "unit",
            "one T×T α per cross-stitch unit (unit) or per hidden unit of the layer (channel)",
            "unit",
            "channel"),
        OptionSpec.ofDouble(
            "alpha_same", 0.9, "initial α_ii in [0, 1]; α_ij = (1 - α_same) / (T - 1)"),
        OptionSpec.ofDouble(
            "alpha_lr_scale", 100.0, "learning-rate multiplier of α (paper: 10^2 to 10^3)"));
  }

  @Override
  public SharingStrategy create(Options options) {
    boolean perChannel = options.getString("granularity").equals("channel");
    double same = options.getDouble("alpha_same");
    if (!(same >= 0 && same <= 1)) {
      throw options.invalid("alpha_same", same, "a number in [0, 1]");
    }
    double lrScale = options.getDouble("alpha_lr_scale");
    if (!(lrScale > 0) || lrScale > Float.MAX_VALUE) {
      throw options.invalid("alpha_lr_scale", lrScale, "a positive number");
    }
    return (spec, tasks, backend, seed) ->
        build(spec, tasks, backend, seed, perChannel, same, (float) lrScale);
  }

  static MultiTaskNetwork build(
      NetworkSpec spec,
      List<Task> tasks,
      ComputeBackend backend,
      long seed,
      boolean perChannel,
      double same,
      float lrScale) {
    Checks.specAndTasks(NAME, spec, tasks, 2);
    int nt = tasks.size();
    double other = (1 - same) / (nt - 1);
    List<ColumnLayers> columns = new ArrayList<>();
    List<Parameter> units = new ArrayList<>();
    Parts parts = new Parts();
    try {
      for (int t = 0; t < nt; t++) {
        columns.add(
            new ColumnLayers(
                backend, spec, "column." + tasks.get(t).name(), Seeds.column(seed, t)));
      }
      for (int l = 0; l < spec.hidden().size(); l++) {
        int c = perChannel ? spec.hidden().get(l) : 1;
        float[] init = new float[nt * nt * c];
        for (int i = 0; i < nt; i++) {
          for (int j = 0; j < nt; j++) {
            for (int k = 0; k < c; k++) {
              init[(i * nt + j) * c + k] = (float) (i == j ? same : other);
            }
          }
        }
        units.add(
            parts.add(
                new Parameter(
                    "cross_stitch." + l, backend, Shape.matrix(nt, nt * c), init, lrScale, false)));
      }
      Map<String, Mlp> towers = new LinkedHashMap<>();
      for (int t = 0; t < nt; t++) {
        towers.put(
            tasks.get(t).name(),
            parts.add(
                Towers.tower(backend, spec, tasks.get(t), t, spec.representationSize(), seed)));
      }
      return new Network(tasks, columns, units, towers);
    } catch (RuntimeException e) {
      columns.forEach(ColumnLayers::close);
      parts.close();
      throw e;
    }
  }

  /** T columns joined by one cross-stitch unit after each hidden layer, and T towers. */
  static final class Network extends BaseNetwork {
    private final List<ColumnLayers> columns;
    private final List<Parameter> units;
    private final Map<String, Mlp> towers;

    Network(
        List<Task> tasks,
        List<ColumnLayers> columns,
        List<Parameter> units,
        Map<String, Mlp> towers) {
      super(tasks, sharedOf(columns, units), towerParameters(towers));
      this.columns = columns;
      this.units = units;
      this.towers = towers;
    }

    private static List<Parameter> sharedOf(List<ColumnLayers> columns, List<Parameter> units) {
      List<Parameter> ps = new ArrayList<>();
      columns.forEach(c -> ps.addAll(c.parameters()));
      ps.addAll(units);
      return ps;
    }

    static Map<String, List<Parameter>> towerParameters(Map<String, Mlp> towers) {
      Map<String, List<Parameter>> m = new LinkedHashMap<>();
      towers.forEach((k, v) -> m.put(k, v.parameters()));
      return m;
    }

    @Override
    public NetworkOutput forward(Graph g, Var input, Mode mode) {
      int nt = columns.size();
      List<Var> h = new ArrayList<>();
      for (int t = 0; t < nt; t++) {
        h.add(input);
      }
      for (int l = 0; l < units.size(); l++) {
        List<Var> a = new ArrayList<>(nt);
        for (int t = 0; t < nt; t++) {
          a.add(columns.get(t).layer(g, l, h.get(t), mode));
        }
        h = stitch(g, units.get(l), a);
      }
      Var representation = g.concatColumns(h);
      List<Var> mixed = Mixtures.split(g, representation, nt);
      Map<String, Var> outputs = new LinkedHashMap<>();
      int t = 0;
      for (Map.Entry<String, Mlp> e : towers.entrySet()) {
        outputs.put(e.getKey(), e.getValue().forward(g, mixed.get(t++), mode));
      }
      return new NetworkOutput(outputs, representation);
    }

    /**
     * A cross-stitch unit: {@code x̃_i = Σ_j α_ij ⊙ x_j}. Row i of α ({@code [1, T·c]}) is picked
     * with a one-hot product, block j of that row ({@code [1, c]}, c = 1 or the layer width) scales
     * x_j as a scalar or row-wise.
     */
    private static List<Var> stitch(Graph g, Parameter unit, List<Var> x) {
      int nt = x.size();
      Var alpha = g.param(unit);
      int c = unit.shape().cols() / nt;
      List<Var> out = new ArrayList<>(nt);
      for (int i = 0; i < nt; i++) {
        float[] oneHot = new float[nt];
        oneHot[i] = 1f;
        Var row = g.matmul(g.constant(g.backend().fromHost(Shape.row(nt), oneHot)), alpha);
        List<Var> terms = new ArrayList<>(nt);
        for (int j = 0; j < nt; j++) {
          terms.add(g.mul(x.get(j), g.sliceColumns(row, j * c, c)));
        }
        out.add(g.sumOf(terms));
      }
      return out;
    }

    @Override
    public Optional<Parameter> lastSharedWeight() {
      return Optional.of(units.get(units.size() - 1));
    }
  }

  @Override
  public String assumptions() {
    return "each task has its own column; linear combinations of the columns' activations share"
        + " knowledge";
  }

  @Override
  public String costPerStep() {
    return "T columns, about T× hard's trunk, and a T×T mixing per layer";
  }
}
