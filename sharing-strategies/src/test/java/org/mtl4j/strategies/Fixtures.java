package org.mtl4j.strategies;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.tensor.Tensor;

/** Small tasks, inputs and targets for strategy tests. */
final class Fixtures {
  private Fixtures() {}

  /** A small spec: 4 inputs, hidden (5, 3), tower (3), tanh. */
  static final org.mtl4j.api.sharing.NetworkSpec SMALL =
      new org.mtl4j.api.sharing.NetworkSpec(
          4, List.of(5, 3), List.of(3), org.mtl4j.api.nn.Activation.TANH, 0.0, false);

  static final List<Task> TASKS =
      List.of(
          Task.of("reg", TaskType.REGRESSION, 2),
          Task.of("cls", TaskType.MULTICLASS, 3),
          Task.of("bin", TaskType.BINARY, 1));

  static SharingStrategyProvider provider(String name) {
    for (SharingStrategyProvider p : ServiceLoader.load(SharingStrategyProvider.class)) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new AssertionError("no SharingStrategyProvider named " + name);
  }

  static MultiTaskNetwork build(
      String name,
      Map<String, ?> options,
      org.mtl4j.api.sharing.NetworkSpec spec,
      List<Task> tasks,
      ComputeBackend b,
      long seed) {
    SharingStrategyProvider p = provider(name);
    return p.create(Options.parse(options, p.options(), "model.options"))
        .build(spec, tasks, b, seed);
  }

  /** Random inputs [n, d] (allocated in the caller's scope or none). */
  static Tensor inputs(ComputeBackend b, int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * d];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return b.fromHost(Shape.matrix(n, d), x);
  }

  /** Targets for each task in its layout. */
  static Map<String, Tensor> targets(ComputeBackend b, List<Task> tasks, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Map<String, Tensor> m = new HashMap<>();
    for (Task t : tasks) {
      int cols = t.targetColumns();
      float[] y = new float[n * cols];
      for (int i = 0; i < y.length; i++) {
        y[i] =
            switch (t.type()) {
              case MULTICLASS -> r.nextInt(t.outputSize());
              case BINARY, MULTILABEL -> r.nextInt(2);
              case REGRESSION -> (float) r.nextDouble() * 2 - 1;
            };
      }
      m.put(t.name(), b.fromHost(Shape.matrix(n, cols), y));
    }
    return m;
  }

  /** Each task's loss on one forward pass. */
  static Map<String, Var> losses(
      Graph g, MultiTaskNetwork net, Tensor x, Map<String, Tensor> y, Mode mode) {
    NetworkOutput out = net.forward(g, g.constant(x), mode);
    Map<String, Var> ls = new HashMap<>();
    for (Task t : net.tasks()) {
      ls.put(t.name(), t.loss().apply(g, out.output(t.name()), y.get(t.name()), null));
    }
    return ls;
  }

  /** Σ_t L_t + Ω. */
  static Var objective(Graph g, MultiTaskNetwork net, Tensor x, Map<String, Tensor> y, Mode mode) {
    Map<String, Var> ls = losses(g, net, x, y, mode);
    Var total = g.sumOf(net.tasks().stream().map(t -> ls.get(t.name())).toList());
    return net.penalty(g).map(p -> g.add(total, p)).orElse(total);
  }
}
