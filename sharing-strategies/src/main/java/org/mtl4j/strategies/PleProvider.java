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
 * {@code ple}: Progressive Layered Extraction (Tang, Liu, Zhao and Gong, "Progressive Layered
 * Extraction (PLE): A Novel Multi-Task Learning (MTL) Model for Personalized Recommendations",
 * RecSys 2020). Each level is a Customized Gate Control (CGC) layer with {@code shared_experts}
 * shared experts and {@code task_experts} experts per task, each expert an MLP of the spec's hidden
 * layers. With a trunk layer list instead (e.g. convolutions over an image) the list is split into
 * blocks ({@link Blocks}) and the blocks into {@code levels} consecutive groups, as evenly as
 * possible; level l's experts are stacks of group l's layers, so the levels together have the
 * trunk's depth, as the extraction networks of the paper are stacked along the backbone. Expert
 * outputs are read as flat rows, and every gate is linear over its level's input rows. Task t's
 * gate (softmax of a linear map of task t's level input) mixes task t's experts and the shared
 * experts; on every level but the last a shared gate (on the shared level input) mixes all experts
 * of the level. Task t's experts read task t's previous gated output, the shared experts the
 * previous shared output (level 0: the network input). {@code levels = 1} is CGC, also available
 * under its own name {@link CgcProvider cgc}; towers read the final task outputs.
 *
 * <p>Parameter partition by what each task's loss depends on: shared experts and shared gates are
 * shared; on the last level, task t's experts and gate are task t's. On earlier levels the shared
 * gate mixes every task's experts into the shared path, which feeds every task, so those experts
 * are shared too; task t's gate of level l is task t's only when level l + 1 is the last (its
 * output then reaches nothing but task t's final experts and gate), and shared before that.
 *
 * <p>Representation: for CGC ({@code levels = 1}) the concatenated shared-expert outputs, through
 * which every head depends on every shared parameter; for {@code levels > 1} none (null), because
 * the final levels' inputs also depend on task parameters. There is no single last shared layer, so
 * {@link MultiTaskNetwork#lastSharedWeight()} is empty.
 */
public final class PleProvider implements SharingStrategyProvider {
  static final String NAME = "ple";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "progressive layered extraction: stacked CGC layers of shared and task experts"
        + " (Tang et al. 2020)";
  }

  @Override
  public List<OptionSpec> options() {
    List<OptionSpec> specs = new ArrayList<>(expertOptions("per level"));
    specs.add(OptionSpec.ofInt("levels", 2, "number of extraction levels, >= 1 (1 = CGC)"));
    return List.copyOf(specs);
  }

  /** The expert counts of one extraction layer, shared by {@code ple} and {@code cgc}. */
  static List<OptionSpec> expertOptions(String where) {
    return List.of(
        OptionSpec.ofInt("shared_experts", 1, "shared experts " + where + ", >= 1"),
        OptionSpec.ofInt("task_experts", 1, "experts per task " + where + ", >= 1"));
  }

  /** The integer option {@code name}, checked to be at least 1. */
  static int atLeastOne(Options options, String name) {
    int v = options.getInt(name);
    if (v < 1) {
      throw options.invalid(name, v, "an integer >= 1");
    }
    return v;
  }

  @Override
  public SharingStrategy create(Options options) {
    int shared = atLeastOne(options, "shared_experts");
    int perTask = atLeastOne(options, "task_experts");
    int levels = atLeastOne(options, "levels");
    return (spec, tasks, backend, seed) ->
        build(NAME, spec, tasks, backend, seed, shared, perTask, levels);
  }

  /** One extraction level; {@code sharedGate} is null on the last. */
  record Level(
      List<Module> sharedExperts,
      Map<String, List<Module>> taskExperts,
      Map<String, Linear> taskGates,
      Linear sharedGate) {}

  /**
   * Builds {@code levels} CGC levels and the towers; {@code strategy} names the strategy in error
   * messages ({@code ple}, or {@code cgc} for its single-level form).
   */
  static MultiTaskNetwork build(
      String strategy,
      NetworkSpec spec,
      List<Task> tasks,
      ComputeBackend backend,
      long seed,
      int shared,
      int perTask,
      int levels) {
    Checks.specAndTasks(strategy, spec, tasks, 1);
    int nt = tasks.size();
    List<List<LayerSpec>> groups = spec.layered() ? groups(strategy, spec.trunk(), levels) : null;
    Parts parts = new Parts();
    try {
      List<Level> built = new ArrayList<>();
      LayerShape levelIn = spec.inputShape();
      for (int l = 0; l < levels; l++) {
        long ls = Seeds.level(seed, l);
        int in = l == 0 ? spec.inputSize() : spec.representationSize();
        List<LayerSpec> layers = groups == null ? null : groups.get(l);
        LayerShape expertIn = levelIn;
        if (groups != null) {
          in = levelIn.size();
          levelIn = LayerStack.outputShape(layers, levelIn);
        }
        String prefix = "level" + l;
        List<Module> sharedExperts = new ArrayList<>();
        for (int k = 0; k < shared; k++) {
          sharedExperts.add(
              parts.add(
                  expert(
                      backend,
                      spec,
                      layers,
                      expertIn,
                      prefix + ".expert.shared." + k,
                      in,
                      Seeds.expert(ls, k))));
        }
        Map<String, List<Module>> taskExperts = new LinkedHashMap<>();
        Map<String, Linear> taskGates = new LinkedHashMap<>();
        for (int t = 0; t < nt; t++) {
          String name = tasks.get(t).name();
          List<Module> mine = new ArrayList<>();
          for (int k = 0; k < perTask; k++) {
            long es = CounterRng.derive(Seeds.expert(ls, shared + t), k);
            mine.add(
                parts.add(
                    expert(
                        backend,
                        spec,
                        layers,
                        expertIn,
                        prefix + ".expert." + name + "." + k,
                        in,
                        es)));
          }
          taskExperts.put(name, mine);
          taskGates.put(
              name,
              parts.add(
                  gate(backend, spec, prefix + ".gate." + name, in, perTask + shared, ls, t)));
        }
        Linear sharedGate =
            l == levels - 1
                ? null
                : parts.add(
                    gate(
                        backend, spec, prefix + ".gate.shared", in, nt * perTask + shared, ls, nt));
        built.add(new Level(sharedExperts, taskExperts, taskGates, sharedGate));
      }
      Map<String, Module> towers = new LinkedHashMap<>();
      for (int t = 0; t < nt; t++) {
        Task task = tasks.get(t);
        towers.put(
            task.name(),
            parts.add(Towers.tower(backend, spec, task, t, spec.representationSize(), seed)));
      }
      return new Network(tasks, built, towers, parts.buffers());
    } catch (RuntimeException e) {
      parts.close();
      throw e;
    }
  }

  /**
   * An expert: the spec's hidden layers over {@code in} columns, or {@code layers} over {@code
   * shape}.
   */
  private static Module expert(
      ComputeBackend backend,
      NetworkSpec spec,
      List<LayerSpec> layers,
      LayerShape shape,
      String name,
      int in,
      long seed) {
    if (layers == null) {
      return Towers.hidden(backend, spec, name, in, seed);
    }
    return new FlatRows(LayerStack.build(backend, name, layers, shape, spec.init(), seed, 1f));
  }

  /** The trunk's blocks in {@code levels} consecutive groups, the earlier ones no larger. */
  static List<List<LayerSpec>> groups(String strategy, List<LayerSpec> trunk, int levels) {
    List<Integer> ends = Blocks.ends(trunk);
    if (ends.size() < levels) {
      throw new IllegalArgumentException(
          strategy
              + ": levels is "
              + levels
              + " but the trunk layer list has "
              + ends.size()
              + (ends.size() == 1 ? " block" : " blocks")
              + " (a block ends after each pooling layer, residual block, global pooling and"
              + " linear layer's activation); each level's experts need at least one block");
    }
    List<List<LayerSpec>> out = new ArrayList<>();
    int start = 0;
    for (int l = 0; l < levels; l++) {
      int lastBlock = (int) ((long) ends.size() * (l + 1) / levels) - 1;
      int end = ends.get(lastBlock);
      out.add(List.copyOf(trunk.subList(start, end)));
      start = end;
    }
    return out;
  }

  private static Linear gate(
      ComputeBackend backend,
      NetworkSpec spec,
      String name,
      int in,
      int experts,
      long levelSeed,
      int index) {
    return new Linear(
        backend,
        name,
        in,
        experts,
        true,
        spec.init().output(),
        spec.init().uniformBias(),
        Seeds.gate(levelSeed, index),
        1f);
  }

  /** Stacked CGC levels and per-task towers. */
  static final class Network extends BaseNetwork {
    private final List<Level> levels;
    private final Map<String, Module> towers;

    Network(
        List<Task> tasks, List<Level> levels, Map<String, Module> towers, List<Buffer> buffers) {
      super(tasks, sharedOf(levels), perTaskOf(tasks, levels, towers), buffers);
      this.levels = levels;
      this.towers = towers;
    }

    /** Whether task t's experts of level l reach only task t's loss. */
    private static boolean taskExpertsOwned(int l, int levels) {
      return l == levels - 1;
    }

    /** Whether task t's gate of level l reaches only task t's loss. */
    private static boolean taskGateOwned(int l, int levels) {
      return l >= levels - 2;
    }

    private static List<Parameter> sharedOf(List<Level> levels) {
      List<Parameter> ps = new ArrayList<>();
      int n = levels.size();
      for (int l = 0; l < n; l++) {
        Level level = levels.get(l);
        level.sharedExperts().forEach(e -> ps.addAll(e.parameters()));
        if (!taskExpertsOwned(l, n)) {
          level.taskExperts().values().forEach(es -> es.forEach(e -> ps.addAll(e.parameters())));
        }
        if (!taskGateOwned(l, n)) {
          level.taskGates().values().forEach(gt -> ps.addAll(gt.parameters()));
        }
        if (level.sharedGate() != null) {
          ps.addAll(level.sharedGate().parameters());
        }
      }
      return ps;
    }

    private static Map<String, List<Parameter>> perTaskOf(
        List<Task> tasks, List<Level> levels, Map<String, Module> towers) {
      Map<String, List<Parameter>> m = new LinkedHashMap<>();
      int n = levels.size();
      for (Task task : tasks) {
        List<Parameter> ps = new ArrayList<>();
        for (int l = 0; l < n; l++) {
          Level level = levels.get(l);
          if (taskExpertsOwned(l, n)) {
            level.taskExperts().get(task.name()).forEach(e -> ps.addAll(e.parameters()));
          }
          if (taskGateOwned(l, n)) {
            ps.addAll(level.taskGates().get(task.name()).parameters());
          }
        }
        ps.addAll(towers.get(task.name()).parameters());
        m.put(task.name(), ps);
      }
      return m;
    }

    @Override
    public NetworkOutput forward(Graph g, Var input, Mode mode) {
      Map<String, Var> taskIn = new LinkedHashMap<>();
      Var rows = FlatRows.of(g, input);
      towers.keySet().forEach(t -> taskIn.put(t, rows));
      Var sharedIn = rows;
      Var representation = null;
      for (Level level : levels) {
        List<Var> sharedOut = new ArrayList<>();
        for (Module e : level.sharedExperts()) {
          sharedOut.add(e.forward(g, sharedIn, mode));
        }
        if (levels.size() == 1) {
          representation = g.concatColumns(sharedOut);
          sharedOut = Mixtures.split(g, representation, sharedOut.size());
        }
        List<Var> all = new ArrayList<>();
        Map<String, Var> next = new LinkedHashMap<>();
        for (Map.Entry<String, List<Module>> e : level.taskExperts().entrySet()) {
          Var in = taskIn.get(e.getKey());
          List<Var> mine = new ArrayList<>();
          for (Module expert : e.getValue()) {
            mine.add(expert.forward(g, in, mode));
          }
          all.addAll(mine);
          List<Var> candidates = new ArrayList<>(mine);
          candidates.addAll(sharedOut);
          Var weights = g.softmax(level.taskGates().get(e.getKey()).forward(g, in, mode));
          next.put(e.getKey(), Mixtures.gated(g, candidates, weights));
        }
        if (level.sharedGate() != null) {
          all.addAll(sharedOut);
          Var weights = g.softmax(level.sharedGate().forward(g, sharedIn, mode));
          sharedIn = Mixtures.gated(g, all, weights);
        }
        taskIn.clear();
        taskIn.putAll(next);
      }
      Map<String, Var> outputs = new LinkedHashMap<>();
      towers.forEach((t, tower) -> outputs.put(t, tower.forward(g, taskIn.get(t), mode)));
      return new NetworkOutput(outputs, representation);
    }
  }

  @Override
  public String assumptions() {
    return "tasks have shared and task-specific experts, refined over progressive extraction"
        + " levels";
  }

  @Override
  public String costPerStep() {
    return "(shared + T × specific) experts per level and their gates";
  }
}
