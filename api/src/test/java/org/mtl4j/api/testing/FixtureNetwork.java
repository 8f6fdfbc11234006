package org.mtl4j.api.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.Mlp;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.NetworkSpec;
import org.mtl4j.api.task.Task;

/**
 * A small hard-parameter-sharing network (Caruana 1997) for tests of weighting methods and of the
 * trainer: a shared MLP trunk whose output is the shared representation, one MLP head per task, and
 * optionally the penalty {@code Ω = λ Σ_t ||W_t||²} over the heads' output weights.
 */
public final class FixtureNetwork implements MultiTaskNetwork {
  private final List<Task> tasks;
  private final Mlp trunk;
  private final Map<String, Mlp> heads = new LinkedHashMap<>();
  private final float penaltyWeight;

  /**
   * @param identicalHeads when true every head starts from the same weights (with tasks of one type
   *     and size, all tasks then compute the same function)
   * @param penaltyWeight λ of Ω, or 0 for no penalty
   */
  public FixtureNetwork(
      ComputeBackend backend,
      NetworkSpec spec,
      List<Task> tasks,
      long seed,
      boolean identicalHeads,
      double penaltyWeight) {
    if (spec.hidden().isEmpty()) {
      throw new IllegalArgumentException("fixture network: the spec needs a hidden (trunk) layer");
    }
    this.tasks = List.copyOf(tasks);
    this.penaltyWeight = (float) penaltyWeight;
    this.trunk =
        new Mlp(
            backend,
            "trunk",
            spec.inputSize(),
            spec.hidden(),
            0,
            spec.activation(),
            (float) spec.dropout(),
            spec.layerNorm(),
            CounterRng.derive(seed, 0),
            1f);
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      heads.put(
          t.name(),
          new Mlp(
              backend,
              "head." + t.name(),
              spec.representationSize(),
              spec.towerHidden(),
              t.outputSize(),
              spec.activation(),
              (float) spec.dropout(),
              spec.layerNorm(),
              CounterRng.derive(seed, identicalHeads ? 1 : 1 + i),
              1f));
    }
  }

  /** Two hidden trunk units per task, no tower layers, tanh: the default test configuration. */
  public static FixtureNetwork small(
      ComputeBackend backend, int inputSize, List<Task> tasks, long seed) {
    return new FixtureNetwork(
        backend,
        new NetworkSpec(
            inputSize, List.of(6), List.of(), org.mtl4j.api.nn.Activation.TANH, 0, false),
        tasks,
        seed,
        false,
        0);
  }

  @Override
  public List<Task> tasks() {
    return tasks;
  }

  @Override
  public List<Parameter> sharedParameters() {
    return trunk.parameters();
  }

  @Override
  public List<Parameter> taskParameters(String task) {
    Mlp head = heads.get(task);
    if (head == null) {
      throw new IllegalArgumentException("fixture network has no task '" + task + "'");
    }
    return head.parameters();
  }

  @Override
  public NetworkOutput forward(Graph g, Var input, Mode mode) {
    Var rep = trunk.forward(g, input, mode);
    Map<String, Var> out = new LinkedHashMap<>();
    for (Map.Entry<String, Mlp> e : heads.entrySet()) {
      out.put(e.getKey(), e.getValue().forward(g, rep, mode));
    }
    return new NetworkOutput(out, rep);
  }

  @Override
  public Optional<Var> penalty(Graph g) {
    if (penaltyWeight == 0f) {
      return Optional.empty();
    }
    List<Var> terms = new ArrayList<>();
    for (Mlp head : heads.values()) {
      List<org.mtl4j.api.nn.Linear> ls = head.linears();
      terms.add(g.sum(g.square(g.param(ls.get(ls.size() - 1).weight()))));
    }
    return Optional.of(g.scale(g.sumOf(terms), penaltyWeight));
  }

  @Override
  public Optional<Parameter> lastSharedWeight() {
    List<org.mtl4j.api.nn.Linear> ls = trunk.linears();
    return Optional.of(ls.get(ls.size() - 1).weight());
  }
}
