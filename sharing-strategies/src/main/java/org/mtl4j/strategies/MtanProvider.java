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
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.FeatureShape;
import org.mtl4j.api.nn.LayerShape;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.LayerStack;
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

/**
 * {@code mtan}: the Multi-Task Attention Network (Liu, Johns and Davison, "End-to-End Multi-Task
 * Learning with Attention", CVPR 2019). One shared trunk (the spec's trunk layer list, split into
 * blocks by {@link Blocks}, or its hidden layers, a block each) learns global features; each task
 * has a soft-attention module at every block that selects from the shared features of that block
 * with an element-wise mask, and its tower reads its own attended features of the last block.
 *
 * <p>With {@code p_b} the shared output of block b (an image {@code [N, C, H, W]} or features
 * {@code [N, h]}) and {@code f_b^t} task t's attended features:
 *
 * <pre>
 * a_b^t = sigmoid(bn(conv1x1(relu(bn(conv1x1(b = 0 ? p_0 : [p_b ; g_b(f_{b-1}^t)]))))))
 * f_b^t = a_b^t ⊙ p_b
 * </pre>
 *
 * where {@code [ ; ]} concatenates channels and {@code g_b}, the attention block shared by all
 * tasks, takes the previous attended features to block b's shape: a second copy of block b's layers
 * (for a LeNet block, its convolution, activation and pooling, the paper's "conv and pooling to the
 * next resolution"; on hidden sizes a linear layer to the next width and the activation, without
 * layer norm or dropout). The first 1x1 convolution has {@code C / reduction} output channels
 * (option {@code reduction}: 1 as in the paper's SegNet, 4 as in its ResNet variant). On flat
 * features (a hidden layer, or a block ending in a linear layer or global pooling) the module is
 * {@code sigmoid(W_2 relu(W_1 x))} with linear layers, without batch norm.
 *
 * <p>Departures from the paper, which attends to an encoder-decoder with several convolutions per
 * block: the mask is computed from and applied to the block's output (the paper computes it from
 * the block's first convolution and applies it to its last, before pooling); and the shared
 * attention blocks run once per step on all tasks' attended features stacked along the batch, so
 * their batch norms see one batch of T·N examples per step and keep one set of running statistics
 * (the paper's code calls the shared block once per task). Each task's attention modules have their
 * own batch norms, as in the paper. The paper's Dynamic Weight Average is the separate weighting
 * {@code dwa}.
 *
 * <p>Parameters: the trunk and the attention blocks are shared; task t's attention modules and
 * tower are task t's. Every attended feature map depends on task t's masks, so there is no
 * task-independent representation (null); the last shared weight is the trunk's last linear or
 * convolution weight.
 */
public final class MtanProvider implements SharingStrategyProvider {
  static final String NAME = "mtan";
  private static final String PATH = "model.options";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "multi-task attention network: shared trunk, per-task soft-attention masks over its"
        + " features at every block (Liu et al. 2019)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofInt(
            "reduction",
            1,
            "an attention module's hidden width is the block's channels (or features) divided by"
                + " this, >= 1 (paper: 1 for SegNet, 4 for ResNet)"));
  }

  @Override
  public SharingStrategy create(Options options) {
    int reduction = options.getInt("reduction");
    if (reduction < 1) {
      throw Options.invalid(PATH, "reduction", reduction, "an integer >= 1");
    }
    return (spec, tasks, backend, seed) -> build(spec, tasks, backend, seed, reduction);
  }

  static MultiTaskNetwork build(
      NetworkSpec spec, List<Task> tasks, ComputeBackend backend, long seed, int reduction) {
    Checks.specAndTasks(NAME, spec, tasks, 1);
    Column trunk = Column.of(backend, spec, "trunk", Seeds.trunk(seed));
    Parts parts = new Parts();
    try {
      int depth = trunk.depth();
      List<Module> blocks = new ArrayList<>();
      for (int b = 1; b < depth; b++) {
        List<LayerSpec> layers =
            trunk instanceof BlockColumn bc
                ? bc.layers(b)
                : List.of(
                    new LayerSpec.Dense(trunk.shape(b).size()),
                    new LayerSpec.Act(spec.activation()));
        blocks.add(
            parts.add(
                LayerStack.build(
                    backend,
                    "attention.block." + b,
                    layers,
                    trunk.shape(b - 1),
                    spec.init(),
                    Seeds.attentionBlock(seed, b),
                    1f)));
      }
      Map<String, List<Module>> masks = new LinkedHashMap<>();
      Map<String, Module> towers = new LinkedHashMap<>();
      for (int t = 0; t < tasks.size(); t++) {
        Task task = tasks.get(t);
        List<Module> mine = new ArrayList<>();
        for (int b = 0; b < depth; b++) {
          LayerShape shape = trunk.shape(b);
          mine.add(
              parts.add(
                  LayerStack.build(
                      backend,
                      "attention." + task.name() + "." + b,
                      maskLayers(shape, reduction),
                      b == 0 ? shape : doubled(shape),
                      spec.init(),
                      Seeds.attention(seed, t, b),
                      1f)));
        }
        masks.put(task.name(), mine);
        towers.put(
            task.name(),
            parts.add(Towers.tower(backend, spec, task, t, spec.representationSize(), seed)));
      }
      List<Buffer> buffers = new ArrayList<>(trunk.buffers());
      buffers.addAll(parts.buffers());
      return new Network(tasks, trunk, blocks, masks, towers, buffers);
    } catch (RuntimeException e) {
      trunk.close();
      parts.close();
      throw e;
    }
  }

  /** The attention module's layers for a block producing {@code shape}. */
  static List<LayerSpec> maskLayers(LayerShape shape, int reduction) {
    LayerSpec relu = new LayerSpec.Act(Activation.RELU);
    LayerSpec sigmoid = new LayerSpec.Act(Activation.SIGMOID);
    if (shape.isImage()) {
      int c = shape.image().channels();
      return List.of(
          new LayerSpec.Conv(Math.max(1, c / reduction), 1),
          new LayerSpec.BatchNorm(),
          relu,
          new LayerSpec.Conv(c, 1),
          new LayerSpec.BatchNorm(),
          sigmoid);
    }
    int h = shape.size();
    return List.of(
        new LayerSpec.Dense(Math.max(1, h / reduction)), relu, new LayerSpec.Dense(h), sigmoid);
  }

  /** The shape of {@code [p ; q]} for two features of {@code shape}. */
  private static LayerShape doubled(LayerShape shape) {
    if (shape.isImage()) {
      FeatureShape s = shape.image();
      return LayerShape.image(new FeatureShape(2 * s.channels(), s.height(), s.width()));
    }
    return LayerShape.flat(2 * shape.size());
  }

  /** A shared trunk, shared attention blocks, per-task attention modules and towers. */
  static final class Network extends BaseNetwork {
    private final Column trunk;
    private final List<Module> blocks;
    private final List<List<Module>> masks;
    private final List<Module> towers;
    private final List<String> names;
    private final Parameter lastWeight;

    Network(
        List<Task> tasks,
        Column trunk,
        List<Module> blocks,
        Map<String, List<Module>> masks,
        Map<String, Module> towers,
        List<Buffer> buffers) {
      super(tasks, sharedOf(trunk, blocks), perTaskOf(masks, towers), buffers);
      this.trunk = trunk;
      this.blocks = blocks;
      this.masks = List.copyOf(masks.values());
      this.towers = List.copyOf(towers.values());
      this.names = List.copyOf(towers.keySet());
      this.lastWeight = Towers.lastWeight(trunk.parameters());
    }

    private static List<Parameter> sharedOf(Column trunk, List<Module> blocks) {
      List<Parameter> ps = new ArrayList<>(trunk.parameters());
      blocks.forEach(b -> ps.addAll(b.parameters()));
      return ps;
    }

    private static Map<String, List<Parameter>> perTaskOf(
        Map<String, List<Module>> masks, Map<String, Module> towers) {
      Map<String, List<Parameter>> m = new LinkedHashMap<>();
      for (String task : towers.keySet()) {
        List<Parameter> ps = new ArrayList<>();
        masks.get(task).forEach(a -> ps.addAll(a.parameters()));
        ps.addAll(towers.get(task).parameters());
        m.put(task, ps);
      }
      return m;
    }

    @Override
    public NetworkOutput forward(Graph g, Var input, Mode mode) {
      int nt = towers.size();
      List<Var> attended = new ArrayList<>(nt);
      Var x = input;
      for (int b = 0; b < trunk.depth(); b++) {
        Var p = trunk.layer(g, b, x, mode);
        x = p;
        List<Var> previous = b == 0 ? null : attentionBlock(g, b, attended, p.shape(), mode);
        attended.clear();
        for (int t = 0; t < nt; t++) {
          Var in = previous == null ? p : concatChannels(g, p, previous.get(t));
          Var a = masks.get(t).get(b).forward(g, in, mode);
          attended.add(g.mul(a, p));
        }
      }
      Map<String, Var> outputs = new LinkedHashMap<>();
      for (int t = 0; t < nt; t++) {
        outputs.put(names.get(t), towers.get(t).forward(g, FlatRows.of(g, attended.get(t)), mode));
      }
      return new NetworkOutput(outputs, null);
    }

    /**
     * The shared attention block leading to block {@code b}, run once on every task's attended
     * features stacked along the batch ({@code [N·T, ...]}, example-major), and split back into one
     * var of {@code shape} per task.
     */
    private List<Var> attentionBlock(Graph g, int b, List<Var> attended, Shape shape, Mode mode) {
      int nt = attended.size();
      List<Var> rows = new ArrayList<>(nt);
      for (Var f : attended) {
        rows.add(FlatRows.of(g, f));
      }
      int n = shape.dim(0);
      int in = rows.get(0).shape().cols();
      Var stacked = g.reshape(g.concatColumns(rows), Shape.matrix(n * nt, in));
      Var out = blocks.get(b - 1).forward(g, stacked, mode);
      int size = shape.size() / n;
      Var byExample = g.reshape(out, Shape.matrix(n, nt * size));
      List<Var> split = new ArrayList<>(nt);
      for (int t = 0; t < nt; t++) {
        Var part = nt == 1 ? byExample : g.sliceColumns(byExample, t * size, size);
        split.add(g.reshape(part, shape));
      }
      return split;
    }

    /** {@code [p ; q]}: features side by side, or image channels one after the other. */
    private static Var concatChannels(Graph g, Var p, Var q) {
      if (p.shape().rank() == 2) {
        return g.concatColumns(List.of(p, q));
      }
      Shape s = p.shape();
      Var both = g.concatColumns(List.of(FlatRows.of(g, p), FlatRows.of(g, q)));
      return g.reshape(both, Shape.of(s.dim(0), 2 * s.dim(1), s.dim(2), s.dim(3)));
    }

    @Override
    public Optional<Parameter> lastSharedWeight() {
      return Optional.ofNullable(lastWeight);
    }
  }

  @Override
  public String assumptions() {
    return "tasks draw on one shared feature hierarchy, each selecting its own features with"
        + " learned soft masks at every block";
  }

  @Override
  public String costPerStep() {
    return "one trunk, T attention modules per block and a shared attention block per block"
        + " on T stacked streams (about 2× hard's trunk)";
  }
}
