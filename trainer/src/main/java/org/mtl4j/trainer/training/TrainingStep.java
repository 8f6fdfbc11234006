package org.mtl4j.trainer.training;

import java.util.ArrayList;
import java.util.List;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.nn.Mode;
import org.mtl4j.api.optim.Optimizer;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.sharing.NetworkOutput;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingStep;

/**
 * One training step of a multi-task model, the single place where it is written: in a tensor scope
 * a graph seeded from the step counter, the task losses (the network's forward pass on a batch, or
 * any other losses on the same parameters: the Spark driver's surrogate losses), the weighting
 * method's {@link TaskWeighting#backward backward} (the combination {@code Σ_t α_t L_t + Ω} and its
 * gradients, or a gradient-level method's combined gradient); after the scope, clipping by global
 * norm (Pascanu et al. 2013), the scheduled learning rate (Goyal et al. 2017; Loshchilov and Hutter
 * 2017), the optimiser step, the weighting method's {@link TaskWeighting#afterOptimizerStep} hook
 * and zeroed gradients.
 *
 * <p>The local {@link TrainingLoop}, both Spark modes (the synchronous driver and the averaging
 * shards) and the benchmarks run their steps through this class; the synchronous shards use {@link
 * #graph} and {@link #forward} for their per-task gradients. Dropout masks derive from {@code
 * derive(seed, 1_000_000 + step)}, so a resumed run repeats an uninterrupted one bit for bit.
 */
public final class TrainingStep {
  private final ComputeBackend backend;
  private final MultiTaskNetwork net;
  private final TaskWeighting weighting;
  private final Optimizer optimizer;
  private final LearningRateSchedule schedule;
  private final double clipNorm;
  private final long seed;
  private final List<Parameter> params;
  private long[] marks;

  /** The task losses of one step, built on the step's graph. */
  @FunctionalInterface
  public interface Losses {
    /**
     * The losses in task order and the shared representation they were computed from (null when
     * there is none, as on the Spark driver).
     */
    TaskLosses build(Graph g);
  }

  /**
   * Task losses in task order and the shared representation (null when there is none).
   *
   * @param losses one scalar loss per task, in the network's task order
   * @param representation the shared representation the losses depend on, or null
   */
  public record TaskLosses(List<Var> losses, Var representation) {
    public TaskLosses {
      losses = List.copyOf(losses);
    }
  }

  /** Sees each task's loss value before the weighting method's backward (a divergence check). */
  @FunctionalInterface
  public interface LossCheck {
    void check(double[] lossValues);

    LossCheck NONE = v -> {};
  }

  /**
   * What a step returned.
   *
   * @param losses each task's loss value
   * @param weights the weighting method's task weights
   * @param learningRate the learning rate the optimiser step used
   */
  public record Result(double[] losses, double[] weights, double learningRate) {}

  /**
   * A step over the network's parameters followed by the weighting method's (their order fixes the
   * clipping sum and the optimiser state).
   *
   * @param clipNorm the global gradient norm to clip to, or 0 for none
   * @param seed the run's seed (dropout masks derive from it and the step counter)
   */
  public TrainingStep(
      ComputeBackend backend,
      MultiTaskNetwork net,
      TaskWeighting weighting,
      Optimizer optimizer,
      LearningRateSchedule schedule,
      double clipNorm,
      long seed) {
    this.backend = backend;
    this.net = net;
    this.weighting = weighting;
    this.optimizer = optimizer;
    this.schedule = schedule;
    this.clipNorm = clipNorm;
    this.seed = seed;
    this.params = parameters(net, weighting);
  }

  /** The network's parameters followed by the weighting method's: what a step updates. */
  public static List<Parameter> parameters(MultiTaskNetwork net, TaskWeighting weighting) {
    List<Parameter> all = new ArrayList<>(net.parameters());
    all.addAll(weighting.parameters());
    return List.copyOf(all);
  }

  /** What {@link #run} updates, in clipping and optimiser order. */
  public List<Parameter> parameters() {
    return params;
  }

  /** The graph of global step {@code step}: its random draws derive from the seed and the step. */
  public Graph graph(long step) {
    return new Graph(backend, CounterRng.derive(seed, 1_000_000L + step));
  }

  /** The forward pass in training mode on {@code batch} and each task's loss. */
  public TaskLosses forward(Graph g, Batch batch) {
    NetworkOutput out = net.forward(g, g.constant(batch.features()), Mode.TRAIN);
    List<Var> losses = new ArrayList<>(net.tasks().size());
    for (Task t : net.tasks()) {
      losses.add(
          t.loss().apply(g, out.output(t.name()), batch.target(t.name()), batch.mask(t.name())));
    }
    return new TaskLosses(losses, out.representation());
  }

  /**
   * Global step {@code step} of epoch {@code epoch} on the losses {@code losses} builds: weighting
   * backward, clipping, the scheduled optimiser step, the weighting method's hook, zeroed
   * gradients.
   */
  public Result run(int epoch, long step, Losses losses, LossCheck check) {
    long[] m = marks;
    if (m != null) {
      m[0] = System.nanoTime();
    }
    double[] values;
    double[] weights;
    try (TensorScope scope = backend.openScope()) {
      Graph g = graph(step);
      TaskLosses l = losses.build(g);
      values = new double[l.losses().size()];
      for (int t = 0; t < values.length; t++) {
        values[t] = backend.scalar(l.losses().get(t).value());
      }
      check.check(values);
      WeightingStep ws = WeightingStep.of(net, g, l.losses(), l.representation(), epoch, step);
      if (m != null) {
        m[1] = System.nanoTime();
      }
      weights = weighting.backward(ws);
    }
    if (m != null) {
      m[2] = System.nanoTime();
    }
    double lr = update(step);
    if (m != null) {
      m[4] = System.nanoTime();
    }
    return new Result(values, weights, lr);
  }

  /** Clipping, the scheduled optimiser step, the weighting hook and zeroed gradients. */
  private double update(long step) {
    if (clipNorm > 0) {
      GradientClipping.clip(backend, params, clipNorm);
    }
    double lr = schedule.at(step);
    optimizer.setLearningRate(lr);
    optimizer.step(params);
    weighting.afterOptimizerStep();
    if (marks != null) {
      marks[3] = System.nanoTime();
    }
    optimizer.zeroGrad(params);
    return lr;
  }

  /**
   * Makes every later {@link #run} record {@link System#nanoTime()} into {@code marks}: [0] start,
   * [1] losses built, [2] weighting backward done and the step's scope closed, [3] optimiser step
   * done, [4] gradients zeroed. Null stops recording. For benchmarks' phase breakdowns.
   */
  public void recordPhases(long[] marks) {
    if (marks != null && marks.length < 5) {
      throw new IllegalArgumentException("phase marks need 5 slots, got " + marks.length);
    }
    this.marks = marks;
  }
}
