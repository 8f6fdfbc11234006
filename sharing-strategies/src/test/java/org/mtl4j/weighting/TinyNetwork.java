package org.mtl4j.weighting;

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
import org.mtl4j.api.nn.Activation;
import org.mtl4j.api.nn.Init;
import org.mtl4j.api.nn.Linear;
import org.mtl4j.api.nn.Mlp;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Task;

/**
 * Test fixture: hard parameter sharing built directly from api layers, a shared {@link Mlp} trunk
 * and one {@link Linear} head per task, with an optional L2 penalty Ω on the trunk's first weight.
 */
final class TinyNetwork implements MultiTaskNetwork {
  private final List<Task> tasks;
  private final Mlp trunk;
  private final Map<String, Linear> heads = new LinkedHashMap<>();
  private final double penalty;

  TinyNetwork(
      ComputeBackend backend,
      int inputSize,
      List<Integer> hidden,
      Activation activation,
      List<Task> tasks,
      double penalty,
      long seed) {
    this.tasks = List.copyOf(tasks);
    this.trunk = new Mlp(backend, "trunk", inputSize, hidden, 0, activation, 0f, false, seed, 1f);
    this.penalty = penalty;
    int width = hidden.isEmpty() ? inputSize : hidden.get(hidden.size() - 1);
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      heads.put(
          t.name(),
          new Linear(
              backend,
              "head." + t.name(),
              width,
              t.outputSize(),
              Init.XAVIER_UNIFORM,
              CounterRng.derive(seed, 1000 + i)));
    }
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
    Linear head = heads.get(task);
    if (head == null) {
      throw new IllegalArgumentException("no task " + task);
    }
    return head.parameters();
  }

  /** All head parameters, task by task. */
  List<Parameter> allTaskParameters() {
    List<Parameter> all = new ArrayList<>();
    for (Task t : tasks) {
      all.addAll(taskParameters(t.name()));
    }
    return all;
  }

  @Override
  public NetworkOutput forward(Graph g, Var input, Mode mode) {
    Var rep = trunk.forward(g, input, mode);
    Map<String, Var> outputs = new LinkedHashMap<>();
    for (Map.Entry<String, Linear> e : heads.entrySet()) {
      outputs.put(e.getKey(), e.getValue().forward(g, rep, mode));
    }
    return new NetworkOutput(outputs, rep);
  }

  @Override
  public Optional<Var> penalty(Graph g) {
    if (penalty == 0) {
      return Optional.empty();
    }
    Var w = g.param(trunk.linears().get(0).weight());
    return Optional.of(g.scale(g.sum(g.square(w)), (float) penalty));
  }

  @Override
  public Optional<Parameter> lastSharedWeight() {
    List<Linear> ls = trunk.linears();
    return ls.isEmpty() ? Optional.empty() : Optional.of(ls.get(ls.size() - 1).weight());
  }
}
