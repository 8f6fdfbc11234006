package org.mtl4j.strategies;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.Buffer;
import org.mtl4j.api.nn.LayerShape;
import org.mtl4j.api.nn.LayerSpec;
import org.mtl4j.api.nn.LayerStack;
import org.mtl4j.api.nn.Mlp;
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
 * {@code learning-to-branch}: tree-structured sharing whose branching is learned by gradient
 * descent (Guo, Lee and Ulbricht, "Learning to Branch for Multi-Task Learning", ICML 2020).
 *
 * <p>The search space is the paper's layered supergraph on the spec's hidden layers {@code h_0 …
 * h_{L−1}} (at least two), or on the blocks of its trunk layer list ({@link Blocks}: e.g. the
 * convolution-pooling blocks of a LeNet; a node is then one block, its output read as flat rows):
 * layers {@code 0 … L−2} have {@code branches} = K nodes each, the last layer one node per task,
 * and each node is one hidden layer of its width (linear map, activation, optional layer
 * normalisation and dropout). Layer 0's nodes read the input (the root); every later node j of
 * layer l has branching logits {@code θ_lj ∈ R^K} over the K nodes of layer l − 1 and reads
 *
 * <pre>TRAIN: Σ_p w_p · out_p,  w = softmax((θ_lj + G) / τ),  G_p = −log(−log U_p), U_p ~ U(0, 1)
 * </pre>
 *
 * (Gumbel-softmax, Jang et al. 2017; Maddison et al. 2017; the noise is drawn from the graph's
 * seed), so the branching probabilities {@code softmax(θ)} are trained with the weights by
 * back-propagation, as in the paper's first phase. EVAL: the argmax tree, each node reading only
 * its most probable parent ({@link Network#parent}). Each task's tower reads its leaf node.
 *
 * <p>What is not implemented: the paper anneals τ over training and then retrains the derived tree
 * from scratch (its second phase). Here τ is the fixed option {@code temperature}, and the network
 * is evaluated with the argmax tree it was trained towards; retraining the derived tree is a
 * separate run (a {@code hard} network of the same branching can be built by hand). A low τ (e.g.
 * 0.5) keeps the trained soft mixture close to the argmax tree. Logits start at 0 (every parent
 * equally likely). With K = 1 there is nothing to choose: the network is hard sharing with a
 * task-specific last layer.
 *
 * <p>Parameters: every node of layers 0 … L−2 and the logits of layers 1 … L−2 are shared (with
 * soft branching every task's loss reaches them); task t's leaf node, its logits ({@code
 * branch.<task>}) and tower are task t's. The representation is the concatenation of layer L−2's
 * node outputs, the only path from the shared parameters to the leaves; {@link
 * MultiTaskNetwork#lastSharedWeight()} is empty (K last shared layers).
 */
public final class LearningToBranchProvider implements SharingStrategyProvider {
  static final String NAME = "learning-to-branch";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "learned tree-structured sharing: Gumbel-softmax branching over parent nodes, argmax"
        + " tree for evaluation (Guo et al. 2020)";
  }

  @Override
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.ofInt("branches", 2, "nodes K >= 1 in each layer below the task leaves"),
        OptionSpec.ofDouble("temperature", 1.0, "Gumbel-softmax temperature τ > 0"));
  }

  @Override
  public SharingStrategy create(Options options) {
    int branches = options.getInt("branches");
    if (branches < 1) {
      throw options.invalid("branches", branches, "an integer >= 1");
    }
    double temperature = options.getDouble("temperature");
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw options.invalid("temperature", temperature, "a finite number > 0");
    }
    return (spec, tasks, backend, seed) ->
        build(spec, tasks, backend, seed, branches, (float) temperature);
  }

  /** A node of the tree and its branching logits over the previous layer (null: no choice). */
  record Node(Module block, Parameter logits) {}

  static MultiTaskNetwork build(
      NetworkSpec spec,
      List<Task> tasks,
      ComputeBackend backend,
      long seed,
      int k,
      float temperature) {
    Checks.specAndTasks(NAME, spec, tasks, 1);
    List<List<LayerSpec>> blocks = spec.layered() ? blocks(spec.trunk()) : null;
    int depth = blocks == null ? spec.hidden().size() : blocks.size();
    if (depth < 2) {
      throw new IllegalArgumentException(
          NAME
              + (blocks == null
                  ? ": spec.hidden has " + depth + " layer"
                  : ": the trunk layer list has 1 block (a block ends after each pooling layer,"
                      + " residual block, global pooling and linear layer's activation)")
              + ", expected at least 2 (branching layers, then one task-specific layer"
              + " per task)");
    }
    List<LayerShape> shapes = new ArrayList<>();
    for (int l = 0; l < depth; l++) {
      LayerShape before = l == 0 ? spec.inputShape() : shapes.get(l - 1);
      shapes.add(
          blocks == null
              ? LayerShape.flat(spec.hidden().get(l))
              : LayerStack.outputShape(blocks.get(l), before));
    }
    Parts parts = new Parts();
    try {
      List<List<Node>> inner = new ArrayList<>();
      for (int l = 0; l < depth - 1; l++) {
        LayerShape in = l == 0 ? spec.inputShape() : shapes.get(l - 1);
        List<Node> layer = new ArrayList<>();
        for (int j = 0; j < k; j++) {
          Module block =
              parts.add(
                  layer(
                      backend, spec, blocks, "node" + l + "." + j, in, l, Seeds.node(seed, l, j)));
          Parameter logits = l > 0 ? logits(backend, parts, "branch" + l + "." + j, k) : null;
          layer.add(new Node(block, logits));
        }
        inner.add(layer);
      }
      Map<String, Node> leaves = new LinkedHashMap<>();
      Map<String, Module> towers = new LinkedHashMap<>();
      for (int t = 0; t < tasks.size(); t++) {
        Task task = tasks.get(t);
        Module block =
            parts.add(
                layer(
                    backend,
                    spec,
                    blocks,
                    "leaf." + task.name(),
                    shapes.get(depth - 2),
                    depth - 1,
                    Seeds.node(seed, depth - 1, t)));
        leaves.put(
            task.name(), new Node(block, logits(backend, parts, "branch." + task.name(), k)));
        towers.put(
            task.name(),
            parts.add(Towers.tower(backend, spec, task, t, spec.representationSize(), seed)));
      }
      return new Network(backend, tasks, inner, leaves, towers, temperature, parts.buffers());
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /** The blocks of a trunk layer list ({@link Blocks}). */
  private static List<List<LayerSpec>> blocks(List<LayerSpec> trunk) {
    List<List<LayerSpec>> out = new ArrayList<>();
    int start = 0;
    for (int end : Blocks.ends(trunk)) {
      out.add(List.copyOf(trunk.subList(start, end)));
      start = end;
    }
    return out;
  }

  /** Node of layer {@code l}: hidden layer l of the spec, or block l of its trunk layer list. */
  private static Module layer(
      ComputeBackend backend,
      NetworkSpec spec,
      List<List<LayerSpec>> blocks,
      String name,
      LayerShape in,
      int l,
      long seed) {
    if (blocks != null) {
      return new FlatRows(
          LayerStack.build(backend, name, blocks.get(l), in, spec.init(), seed, 1f));
    }
    return new Mlp(
        backend,
        name,
        in.size(),
        List.of(spec.hidden().get(l)),
        0,
        spec.activation(),
        (float) spec.dropout(),
        spec.layerNorm(),
        seed,
        1f);
  }

  /** Zero logits over {@code k} parents (uniform branching), or null when k = 1. */
  private static Parameter logits(ComputeBackend backend, Parts parts, String name, int k) {
    if (k == 1) {
      return null;
    }
    return parts.add(new Parameter(name, backend, Shape.row(k), new float[k], 1f, false));
  }

  /**
   * {@code k} standard Gumbel draws {@code −log(−log U)} from {@code stream}, U uniform in (0, 1)
   * with 53 random bits (never 0 or 1).
   */
  static float[] gumbel(long stream, int k) {
    float[] noise = new float[k];
    for (int p = 0; p < k; p++) {
      double u = ((CounterRng.bits(stream, p) >>> 11) + 0.5) * 0x1.0p-53;
      noise[p] = (float) -Math.log(-Math.log(u));
    }
    return noise;
  }

  /** The layered tree: K-node inner layers, one leaf per task, towers. */
  static final class Network extends BaseNetwork {
    private final List<List<Node>> inner;
    private final Map<String, Node> leaves;
    private final Map<String, Module> towers;
    private final float temperature;
    private final ComputeBackend backend;

    Network(
        ComputeBackend backend,
        List<Task> tasks,
        List<List<Node>> inner,
        Map<String, Node> leaves,
        Map<String, Module> towers,
        float temperature,
        List<Buffer> buffers) {
      super(tasks, sharedOf(inner), perTaskOf(leaves, towers), buffers);
      this.inner = inner;
      this.leaves = leaves;
      this.towers = towers;
      this.temperature = temperature;
      this.backend = backend;
    }

    private static List<Parameter> sharedOf(List<List<Node>> inner) {
      List<Parameter> ps = new ArrayList<>();
      for (List<Node> layer : inner) {
        for (Node n : layer) {
          ps.addAll(n.block().parameters());
          if (n.logits() != null) {
            ps.add(n.logits());
          }
        }
      }
      return ps;
    }

    private static Map<String, List<Parameter>> perTaskOf(
        Map<String, Node> leaves, Map<String, Module> towers) {
      Map<String, List<Parameter>> m = new LinkedHashMap<>();
      for (Map.Entry<String, Node> e : leaves.entrySet()) {
        List<Parameter> ps = new ArrayList<>(e.getValue().block().parameters());
        if (e.getValue().logits() != null) {
          ps.add(e.getValue().logits());
        }
        ps.addAll(towers.get(e.getKey()).parameters());
        m.put(e.getKey(), ps);
      }
      return m;
    }

    /**
     * The parent (in layer {@code layer − 1}) of node {@code node} of inner layer {@code layer >=
     * 1} in the argmax tree; ties go to the lower index.
     */
    int parent(int layer, int node) {
      return argmax(inner.get(layer).get(node).logits());
    }

    /** The parent (in the last inner layer) of task {@code task}'s leaf in the argmax tree. */
    int leafParent(String task) {
      Node leaf = leaves.get(task);
      if (leaf == null) {
        throw new IllegalArgumentException("unknown task '" + task + "'");
      }
      return argmax(leaf.logits());
    }

    private int argmax(Parameter logits) {
      if (logits == null) {
        return 0;
      }
      float[] v = backend.toHost(logits.value());
      int best = 0;
      for (int i = 1; i < v.length; i++) {
        if (v[i] > v[best]) {
          best = i;
        }
      }
      return best;
    }

    /** What node reads: the Gumbel-softmax mixture of its parents (TRAIN) or its argmax parent. */
    private Var input(Graph g, List<Var> parents, Parameter logits, Mode mode) {
      if (logits == null) {
        return parents.get(0);
      }
      if (mode != Mode.TRAIN) {
        return parents.get(argmax(logits));
      }
      float[] noise = gumbel(g.randomStream(), parents.size());
      Var gumbel = g.constant(g.backend().fromHost(logits.shape(), noise));
      Var w = g.softmax(g.scale(g.add(g.param(logits), gumbel), 1f / temperature));
      return Mixtures.gated(g, parents, w);
    }

    @Override
    public NetworkOutput forward(Graph g, Var x, Mode mode) {
      List<Var> previous = List.of(x);
      for (List<Node> layer : inner) {
        List<Var> current = new ArrayList<>(layer.size());
        for (Node n : layer) {
          current.add(n.block().forward(g, input(g, previous, n.logits(), mode), mode));
        }
        previous = current;
      }
      Var representation = g.concatColumns(previous);
      List<Var> views = Mixtures.split(g, representation, previous.size());
      Map<String, Var> outputs = new LinkedHashMap<>();
      for (Map.Entry<String, Node> e : leaves.entrySet()) {
        Node leaf = e.getValue();
        Var h = leaf.block().forward(g, input(g, views, leaf.logits(), mode), mode);
        outputs.put(e.getKey(), towers.get(e.getKey()).forward(g, h, mode));
      }
      return new NetworkOutput(outputs, representation);
    }
  }

  @Override
  public String assumptions() {
    return "tasks that share more should branch later; the tree is learned with Gumbel-softmax"
        + " parent choices";
  }

  @Override
  public String costPerStep() {
    return "all candidate branches while the tree is searched, then the chosen tree";
  }
}
