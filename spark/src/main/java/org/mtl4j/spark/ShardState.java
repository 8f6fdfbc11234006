package org.mtl4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.BackendOptions;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.optim.Optimizer;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Batch;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Tensor;
import org.mtl4j.api.tensor.TensorScope;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.data.BatchAssembler;
import org.mtl4j.trainer.data.Examples;
import org.mtl4j.trainer.data.Permutations;
import org.mtl4j.trainer.data.Split;
import org.mtl4j.trainer.data.TaskFactory;
import org.mtl4j.trainer.training.BackendFactory;
import org.mtl4j.trainer.training.LearningRateSchedule;
import org.mtl4j.trainer.training.NetworkFactory;
import org.mtl4j.trainer.training.OptimizerFactory;
import org.mtl4j.trainer.training.TrainingStep;

/**
 * One data partition on an executor with everything it keeps between steps: its rows (as trainer
 * {@link Examples}), a backend, the network (and, for averaging, the weighting method and
 * optimiser) built from the same config and seed as the driver's. It serves two requests: the
 * count-weighted per-task gradients of its share of a global batch ({@link #gradients}), and k
 * local optimiser steps from a broadcast state ({@link #round}). Both start from state the driver
 * broadcast, so a retried task computes the same result as its failed first attempt.
 */
final class ShardState implements AutoCloseable {
  private final RunSpec spec;
  private final Mtl4jConfig config;
  private final List<Task> tasks;
  private final ComputeBackend backend;
  private final MultiTaskNetwork net;
  private final NetworkFactory networks;
  private TaskWeighting weighting;
  private Optimizer optimizer;
  private ParameterLayout layout;
  private final Split local;
  private final int[] localOf;
  private final BatchAssembler assembler;
  private final LearningRateSchedule schedule;
  private boolean fresh = true;
  private int orderEpoch = -1;
  private int[] order;

  private ShardState(RunSpec spec, Examples examples, int[] localOf) {
    this.spec = spec;
    this.config = spec.config();
    List<Task> ts = new ArrayList<>();
    for (int t = 0; t < config.tasks().size(); t++) {
      ts.add(TaskFactory.build(config.tasks().get(t), spec.outputSizes()[t]));
    }
    this.tasks = List.copyOf(ts);
    this.networks = NetworkFactory.discover(loader());
    this.backend = BackendFactory.discover().open(config.backend(), executorOptions()).backend();
    this.net = networks.network(config, spec.layout(), tasks, backend);
    this.weighting = networks.weighting(config, tasks, backend);
    this.optimizer = OptimizerFactory.create(config.optimizer(), backend);
    this.layout =
        spec.mode() == TrainingMode.SYNC
            ? ParameterLayout.of(net, List.of())
            : ParameterLayout.of(net, weighting.parameters());
    this.local = Split.all(examples);
    this.localOf = localOf;
    this.assembler = new BatchAssembler(tasks);
    this.schedule = LearningRateSchedule.forRun(config, spec.trainSize());
  }

  /**
   * Backend options for a Spark task: as many compute threads as the task was given cores ({@code
   * spark.task.cpus}, default 1) so concurrent tasks of one executor do not oversubscribe its cores
   * (OpenBLAS's thread count is process-wide), and the GPU Spark assigned to the task, if any.
   */
  private static BackendOptions executorOptions() {
    TaskContext ctx = TaskContext.get();
    if (ctx == null) {
      return BackendOptions.defaults();
    }
    int device = 0;
    ResourceInformation gpu = ctx.resourcesJMap().get("gpu");
    if (gpu != null && gpu.addresses().length > 0) {
      device = Integer.parseInt(gpu.addresses()[0]);
    }
    return new BackendOptions(ctx.cpus(), device, Map.of());
  }

  /** The executor's plugin class loader: the task's context loader, as the trainer's modules. */
  private static ClassLoader loader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : ShardState.class.getClassLoader();
  }

  /** Builds the shard from its partition's rows. */
  static ShardState build(RunSpec spec, int partition, Iterator<ExampleRow> rows) {
    List<ExampleRow> list = new ArrayList<>();
    rows.forEachRemaining(list::add);
    int n = list.size();
    int d = spec.inputSize();
    int tasks = spec.outputSizes().length;
    float[] x = new float[n * d];
    float[][] y = new float[tasks][];
    float[][] m = new float[tasks][];
    int[] localOf = new int[spec.trainSize()];
    Arrays.fill(localOf, -1);
    for (int i = 0; i < n; i++) {
      ExampleRow r = list.get(i);
      if (r.features().length != d) {
        throw new IllegalArgumentException(
            "example "
                + r.position()
                + " of partition "
                + partition
                + " has "
                + r.features().length
                + " features, expected "
                + d);
      }
      System.arraycopy(r.features(), 0, x, i * d, d);
      for (int t = 0; t < tasks; t++) {
        int k = r.targets()[t].length;
        if (y[t] == null) {
          y[t] = new float[n * k];
          m[t] = new float[n];
        }
        System.arraycopy(r.targets()[t], 0, y[t], i * k, k);
        m[t][i] = r.labelled()[t];
      }
      localOf[r.position()] = i;
    }
    Mtl4jConfig c = spec.config();
    Map<String, float[]> targets = new HashMap<>();
    Map<String, float[]> masks = new HashMap<>();
    for (int t = 0; t < tasks; t++) {
      String name = c.tasks().get(t).name();
      targets.put(name, y[t] == null ? new float[0] : y[t]);
      if (spec.masked()[t]) {
        masks.put(name, m[t] == null ? new float[0] : m[t]);
      }
    }
    return new ShardState(spec, new Examples(n, d, x, targets, masks), localOf);
  }

  /** The training step of this shard's network with {@code weighting} and {@code optimizer}. */
  private TrainingStep step(TaskWeighting weighting, Optimizer optimizer) {
    return new TrainingStep(
        backend, net, weighting, optimizer, schedule, config.optimizer().clipNorm(), config.seed());
  }

  /** 1 the first time it is asked after being built, then 0: counts (re)builds in the metrics. */
  private int takeBuild() {
    int b = fresh ? 1 : 0;
    fresh = false;
    return b;
  }

  /** Rows of this partition. */
  int rows() {
    return local.size();
  }

  /** Local row indices of this partition's share of global batch {@code order[from..from+n)}. */
  private int[] share(int epoch, int from, int count) {
    if (epoch != orderEpoch) {
      order = Permutations.of(spec.trainSize(), CounterRng.derive(config.seed(), 1000 + epoch));
      orderEpoch = epoch;
    }
    int[] out = new int[count];
    int k = 0;
    for (int i = from; i < from + count; i++) {
      int l = localOf[order[i]];
      if (l >= 0) {
        out[k++] = l;
      }
    }
    return Arrays.copyOf(out, k);
  }

  /** Labelled rows of task {@code t} among {@code rows}. */
  private double labelledCount(int t, int[] rows) {
    float[] mask = local.examples().mask(tasks.get(t).name());
    if (mask == null) {
      return rows.length;
    }
    double c = 0;
    for (int r : rows) {
      c += mask[r];
    }
    return c;
  }

  /**
   * The per-task gradients of this partition's share of global batch {@code from..from+count} of
   * {@code epoch}, each multiplied by the task's labelled count in the share, at the broadcast
   * parameters.
   */
  synchronized GradientSum gradients(int epoch, long step, int from, int count, float[] params) {
    ParameterLayout.upload(backend, layout.all(), params);
    GradientSum sum = new GradientSum(tasks.size());
    sum.partitions = 1;
    sum.shardBuilds = takeBuild();
    int[] rows = share(epoch, from, count);
    if (rows.length == 0) {
      return sum;
    }
    sum.examples = rows.length;
    TrainingStep unit = step(weighting, optimizer);
    try (TensorScope scope = backend.openScope()) {
      Batch batch = assembler.assemble(backend, local, rows, 0, rows.length);
      Graph g = unit.graph(step);
      List<Var> losses = unit.forward(g, batch).losses();
      for (int t = 0; t < tasks.size(); t++) {
        double c = labelledCount(t, rows);
        if (c == 0) {
          continue;
        }
        Var loss = losses.get(t);
        List<Var> wrt = new ArrayList<>();
        for (Parameter p : layout.taskParameters(t)) {
          wrt.add(g.param(p));
        }
        Map<Var, Tensor> grads = g.grad(loss, wrt);
        float[] flat = new float[ParameterLayout.size(layout.taskParameters(t))];
        int off = 0;
        for (Var v : wrt) {
          float[] gv = backend.toHost(grads.get(v));
          for (int i = 0; i < gv.length; i++) {
            flat[off + i] = (float) (gv[i] * c);
          }
          off += gv.length;
        }
        sum.gradients[t] = flat;
        sum.lossSums[t] = backend.scalar(loss.value()) * c;
        sum.counts[t] = c;
      }
    }
    sum.sentBytes = sum.payloadBytes();
    return sum;
  }

  /**
   * Local SGD: from the broadcast state, {@code steps} optimiser steps on this partition's shares
   * of the global batches starting at {@code firstFrom}, returning the reached parameters and
   * optimiser slots multiplied by the examples trained on.
   */
  synchronized RoundSum round(
      int epoch, long firstStep, int firstFrom, int steps, RoundState state, int partition) {
    // fresh optimiser and weighting method each round: a retried attempt must not see slots or
    // weighting state its failed predecessor created
    optimizer.close();
    weighting.close();
    weighting = networks.weighting(config, tasks, backend);
    optimizer = OptimizerFactory.create(config.optimizer(), backend);
    layout = ParameterLayout.of(net, weighting.parameters());
    List<Parameter> params = layout.all();
    ParameterLayout.upload(backend, params, state.parameters());
    optimizer.restore(state.optimizerState(), params);
    weighting.restore(state.weightingState());
    RoundSum sum = new RoundSum(tasks.size());
    sum.partitions = 1;
    sum.shardBuilds = takeBuild();
    TrainingStep unit = step(weighting, optimizer);
    int b = config.training().batchSize();
    long examples = 0;
    for (int j = 0; j < steps; j++) {
      int from = firstFrom + j * b;
      int count = Math.min(b, spec.trainSize() - from);
      int[] rows = share(epoch, from, count);
      if (rows.length == 0) {
        continue;
      }
      long step = firstStep + j;
      TrainingStep.Result r =
          unit.run(
              epoch,
              step,
              g -> unit.forward(g, assembler.assemble(backend, local, rows, 0, rows.length)),
              TrainingStep.LossCheck.NONE);
      for (int t = 0; t < tasks.size(); t++) {
        double c = labelledCount(t, rows);
        if (c > 0) {
          sum.lossSums[t] += r.losses()[t] * c;
          sum.counts[t] += c;
        }
      }
      examples += rows.length;
    }
    sum.examples = examples;
    if (examples > 0) {
      float scale = examples;
      float[] p = ParameterLayout.flatten(backend, params);
      for (int i = 0; i < p.length; i++) {
        p[i] *= scale;
      }
      sum.parameters = p;
      optimizer
          .state()
          .forEach(
              (k, v) -> {
                if (!k.equals(Optimizer.STEPS)) {
                  float[] s = v.clone();
                  for (int i = 0; i < s.length; i++) {
                    s[i] *= scale;
                  }
                  sum.optimizerSlots.put(k, s);
                }
              });
      sum.weightingPartition = partition;
      sum.weightingState = weighting.state();
    }
    sum.sentBytes = sum.payloadBytes();
    return sum;
  }

  @Override
  public void close() {
    optimizer.close();
    weighting.close();
    net.close();
    backend.close();
  }
}
