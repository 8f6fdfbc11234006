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
import org.mtl4j.api.nn.LayerShape;
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
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/**
 * {@code cross-stitch}: cross-stitch networks (Misra, Shrivastava, Gupta and Hebert, "Cross-stitch
 * Networks for Multi-task Learning", CVPR 2016). Each task has a column with the spec's hidden
 * layers or its trunk layer list; after every hidden layer, or every block of the layer list
 * ({@link Blocks}: a block ends after each pooling layer, residual block, global pooling and linear
 * layer's activation; the paper stitches AlexNet after each pooling layer and fully connected
 * layer), a cross-stitch unit replaces the activations {@code x_j} of the T columns with the
 * learned linear combinations {@code x̃_i = Σ_j α_ij x_j}, and each task's tower reads its own
 * column's mixed output. Each column keeps its own batch-norm statistics.
 *
 * <p>Options:
 *
 * <ul>
 *   <li>{@code granularity}: {@code auto} (default) learns one T×T matrix α per channel of an image
 *       feature map, as the paper does on convolutional layers, and one per unit on flat features
 *       (a hidden layer or a block ending in a linear layer or global pooling); {@code unit} learns
 *       one T×T matrix per cross-stitch unit everywhere; {@code channel} one per channel, and one
 *       per hidden unit on flat features. On MLP specs {@code auto} is {@code unit}.
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
            "auto",
            "one T×T α per cross-stitch unit (unit), per channel or hidden unit (channel), or"
                + " per channel on image feature maps and per unit on flat features (auto)",
            "auto",
            "unit",
            "channel"),
        OptionSpec.ofDouble(
            "alpha_same", 0.9, "initial α_ii in [0, 1]; α_ij = (1 - α_same) / (T - 1)"),
        OptionSpec.ofDouble(
            "alpha_lr_scale", 100.0, "learning-rate multiplier of α (paper: 10^2 to 10^3)"));
  }

  @Override
  public SharingStrategy create(Options options) {
    Granularity granularity = Granularity.parse(options.getString("granularity"));
    double same = options.getDouble("alpha_same");
    if (!(same >= 0 && same <= 1)) {
      throw options.invalid("alpha_same", same, "a number in [0, 1]");
    }
    double lrScale = options.getDouble("alpha_lr_scale");
    if (!(lrScale > 0) || lrScale > Float.MAX_VALUE) {
      throw options.invalid("alpha_lr_scale", lrScale, "a positive number");
    }
    return (spec, tasks, backend, seed) ->
        build(spec, tasks, backend, seed, granularity, same, (float) lrScale);
  }

  /** How many α each (i, j) pair of a unit has. */
  enum Granularity {
    /** Per channel on image feature maps, one per unit on flat features. */
    AUTO,
    /** One per unit. */
    UNIT,
    /** Per channel of an image, per feature of flat features. */
    CHANNEL;

    static Granularity parse(String name) {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }

    /** The α per pair after a block producing {@code shape}. */
    int width(LayerShape shape) {
      if (this == UNIT) {
        return 1;
      }
      if (shape.isImage()) {
        return shape.image().channels();
      }
      return this == CHANNEL ? shape.size() : 1;
    }
  }

  static MultiTaskNetwork build(
      NetworkSpec spec,
      List<Task> tasks,
      ComputeBackend backend,
      long seed,
      Granularity granularity,
      double same,
      float lrScale) {
    Checks.specAndTasks(NAME, spec, tasks, 2);
    int nt = tasks.size();
    double other = (1 - same) / (nt - 1);
    List<Column> columns = new ArrayList<>();
    List<Parameter> units = new ArrayList<>();
    List<Tensor> constants = new ArrayList<>();
    List<Tensor> spread = new ArrayList<>();
    Parts parts = new Parts();
    try {
      for (int t = 0; t < nt; t++) {
        columns.add(
            Column.of(backend, spec, "column." + tasks.get(t).name(), Seeds.column(seed, t)));
      }
      for (int l = 0; l < columns.get(0).depth(); l++) {
        LayerShape shape = columns.get(0).shape(l);
        int c = granularity.width(shape);
        if (c > 1 && shape.isImage()) {
          float[] ones = new float[shape.image().height() * shape.image().width()];
          java.util.Arrays.fill(ones, 1f);
          spread.add(backend.persistentFromHost(Shape.row(ones.length), ones));
        } else {
          spread.add(null);
        }
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
      for (int i = 0; i < nt; i++) {
        float[] oneHot = new float[nt];
        oneHot[i] = 1f;
        constants.add(backend.persistentFromHost(Shape.row(nt), oneHot));
      }
      Map<String, Module> towers = new LinkedHashMap<>();
      for (int t = 0; t < nt; t++) {
        towers.put(
            tasks.get(t).name(),
            parts.add(
                Towers.tower(backend, spec, tasks.get(t), t, spec.representationSize(), seed)));
      }
      List<Buffer> buffers = new ArrayList<>();
      columns.forEach(col -> buffers.addAll(col.buffers()));
      buffers.addAll(parts.buffers());
      return new Network(tasks, columns, units, constants, spread, towers, buffers);
    } catch (RuntimeException e) {
      columns.forEach(Column::close);
      constants.forEach(Tensor::close);
      spread.stream().filter(java.util.Objects::nonNull).forEach(Tensor::close);
      parts.close();
      throw e;
    }
  }

  /** T columns joined by one cross-stitch unit after each block, and T towers. */
  static final class Network extends BaseNetwork {
    private final List<Column> columns;
    private final List<Parameter> units;
    private final List<Tensor> oneHots;
    private final List<Tensor> spread;
    private final Map<String, Module> towers;

    Network(
        List<Task> tasks,
        List<Column> columns,
        List<Parameter> units,
        List<Tensor> oneHots,
        List<Tensor> spread,
        Map<String, Module> towers,
        List<Buffer> buffers) {
      super(tasks, sharedOf(columns, units), towerParameters(towers), buffers);
      this.columns = columns;
      this.units = units;
      this.oneHots = oneHots;
      this.spread = spread;
      this.towers = towers;
    }

    private static List<Parameter> sharedOf(List<Column> columns, List<Parameter> units) {
      List<Parameter> ps = new ArrayList<>();
      columns.forEach(c -> ps.addAll(c.parameters()));
      ps.addAll(units);
      return ps;
    }

    static Map<String, List<Parameter>> towerParameters(Map<String, Module> towers) {
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
        h = stitch(g, units.get(l), spread.get(l), a);
      }
      List<Var> rows = new ArrayList<>(nt);
      for (Var v : h) {
        rows.add(FlatRows.of(g, v));
      }
      Var representation = g.concatColumns(rows);
      List<Var> mixed = Mixtures.split(g, representation, nt);
      Map<String, Var> outputs = new LinkedHashMap<>();
      int t = 0;
      for (Map.Entry<String, Module> e : towers.entrySet()) {
        outputs.put(e.getKey(), e.getValue().forward(g, mixed.get(t++), mode));
      }
      return new NetworkOutput(outputs, representation);
    }

    /**
     * A cross-stitch unit: {@code x̃_i = Σ_j α_ij ⊙ x_j}. Row i of α ({@code [1, T·c]}) is picked
     * with a one-hot product, block j of that row ({@code [1, c]}) scales x_j: as a scalar (c = 1),
     * row-wise on flat features (c = the width), or per channel on an image {@code [N, C, H, W]} (c
     * = C), where {@code ones} ({@code [1, H·W]}) spreads the C values over each channel's H·W
     * positions and x_j is scaled as {@code [N, C·H·W]} rows.
     */
    private List<Var> stitch(Graph g, Parameter unit, Tensor ones, List<Var> x) {
      int nt = x.size();
      Var alpha = g.param(unit);
      int c = unit.shape().cols() / nt;
      List<Var> in = x;
      Shape image = null;
      if (ones != null) {
        image = x.get(0).shape();
        in = new ArrayList<>(nt);
        for (Var xj : x) {
          in.add(FlatRows.of(g, xj));
        }
      }
      List<Var> out = new ArrayList<>(nt);
      for (int i = 0; i < nt; i++) {
        Var row = g.matmul(g.constant(oneHots.get(i)), alpha);
        List<Var> terms = new ArrayList<>(nt);
        for (int j = 0; j < nt; j++) {
          Var coefficients = g.sliceColumns(row, j * c, c);
          if (ones != null) {
            Var perPosition = g.matmul(coefficients, g.constant(ones), true, false); // [C, H·W]
            coefficients = g.reshape(perPosition, Shape.row(c * ones.shape().cols()));
          }
          terms.add(g.mul(in.get(j), coefficients));
        }
        Var mixed = g.sumOf(terms);
        out.add(image == null ? mixed : g.reshape(mixed, image));
      }
      return out;
    }

    @Override
    public Optional<Parameter> lastSharedWeight() {
      return Optional.of(units.get(units.size() - 1));
    }

    @Override
    public void close() {
      super.close();
      oneHots.forEach(Tensor::close);
      spread.stream().filter(java.util.Objects::nonNull).forEach(Tensor::close);
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
