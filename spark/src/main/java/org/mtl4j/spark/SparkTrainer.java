package org.mtl4j.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.mtl4j.api.autograd.Graph;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.autograd.Var;
import org.mtl4j.api.backend.ComputeBackend;
import org.mtl4j.api.optim.Optimizer;
import org.mtl4j.api.sharing.MultiTaskNetwork;
import org.mtl4j.api.task.Task;
import org.mtl4j.api.tensor.Shape;
import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.checkpoint.Checkpoint;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.ConfigWriter;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.WeightingCompatibilityCheck;
import org.mtl4j.trainer.data.Dataset;
import org.mtl4j.trainer.data.Datasets;
import org.mtl4j.trainer.data.Examples;
import org.mtl4j.trainer.data.Split;
import org.mtl4j.trainer.data.TargetScaling;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;
import org.mtl4j.trainer.run.RunFolder;
import org.mtl4j.trainer.run.RunFolderException;
import org.mtl4j.trainer.training.BackendFactory;
import org.mtl4j.trainer.training.EpochDriver;
import org.mtl4j.trainer.training.Evaluator;
import org.mtl4j.trainer.training.LearningRateSchedule;
import org.mtl4j.trainer.training.NetworkFactory;
import org.mtl4j.trainer.training.OptimizerFactory;
import org.mtl4j.trainer.training.Trainer;
import org.mtl4j.trainer.training.TrainingListener;
import org.mtl4j.trainer.training.TrainingLoop;
import org.mtl4j.trainer.training.TrainingState;
import org.mtl4j.trainer.training.TrainingStep;

/**
 * Data-parallel multi-task training on Apache Spark for any config the local trainer accepts. The
 * driver loads the data with the trainer's data sources, splits off validation rows exactly as
 * {@link Trainer} does and distributes the training rows as an RDD of {@link ExampleRow}s, cached
 * in executor memory. Each partition keeps its rows, backend and network in a per-executor cache
 * keyed by run id ({@link ShardCache}), so steps neither re-read data nor rebuild models.
 *
 * <p><b>Synchronous mode</b> (Dean et al. 2012; Goyal et al. 2017). Every step the driver
 * broadcasts the network parameters; each partition takes the rows of the global batch it holds
 * (the same seeded shuffle as local training, so the global batch is the local one), computes every
 * task's loss and its gradient over the parameters that loss depends on, multiplied by the task's
 * labelled-example count; {@code treeAggregate} sums these, and dividing by the counts gives
 * exactly the gradient of each task's mean loss over the global batch. The driver then runs the
 * configured weighting method on a <em>surrogate</em> step whose task losses are {@code L_t(θ) =
 * l_t + ⟨g_t, θ − θ_0⟩}: same value and same gradient as the real global-batch loss at the current
 * parameters, so loss-level methods (equal, static, uncertainty, DWA, RLW, GradNorm) and
 * gradient-level methods on shared parameters (PCGrad, MGDA, CAGrad) see exactly the per-task
 * gradients a single machine would, and Ω is differentiated on the driver. Clipping, schedule and
 * optimiser step follow as in {@link TrainingLoop}. Gradient methods on the shared representation
 * ({@code rep_grad: true}) need per-example representation gradients and are refused in this mode
 * (use {@code rep_grad: false} or averaging). Dropout masks are drawn per partition from the same
 * step seed, so with dropout the runs agree in distribution, not bit for bit.
 *
 * <p><b>Averaging mode</b> (local SGD; Stich, ICLR 2019). Each round the driver broadcasts
 * parameters (network and learned weighting parameters), the optimiser state and the weighting
 * method's host state; each partition takes k optimiser steps, step j on its share of global batch
 * j of the round, with the full weighting method locally; the partitions' parameters <em>and
 * optimiser moments</em> (SGD momentum buffers, Adam's first and second moments) are averaged,
 * weighted by the examples each trained on, and the step counter is set to the global step count,
 * so Adam's bias correction continues as in local training. The weighting state (GradNorm's initial
 * losses, DWA's history) is taken from the lowest-numbered partition; DWA's epoch hook runs on the
 * driver with the epoch's mean losses over all partitions.
 *
 * <p>After every epoch the driver validates, applies early stopping and writes a checkpoint with
 * the trainer's {@link CheckpointStore} to {@code <output>/<name>/checkpoint}, the same format as
 * local training, so either can resume the other. Spark's own task retries make a failed partition
 * harmless: every task starts from broadcast state and the cached shard carries nothing that a
 * failed attempt could have changed. A lost executor (its worker's machine gone) is harmless too:
 * the rows are an RDD computed from per-partition broadcasts ({@link DistributedRows}), so the
 * retried task rebuilds the lost partition and its shard on a surviving executor and returns the
 * same floats.
 */
public final class SparkTrainer {
  private static final System.Logger LOG = System.getLogger(SparkTrainer.class.getName());
  private final JavaSparkContext sc;
  private final Mtl4jConfig config;
  private final SparkTrainingOptions options;

  public SparkTrainer(JavaSparkContext sc, Mtl4jConfig config, SparkTrainingOptions options) {
    this.sc = java.util.Objects.requireNonNull(sc, "spark context");
    this.config = java.util.Objects.requireNonNull(config, "config");
    this.options = java.util.Objects.requireNonNull(options, "options");
  }

  /**
   * Refuses per-task data sets and one-task-per-step schedules: Spark shards partition one data set
   * and every step aggregates each task's gradient over all shards' rows.
   */
  static void refusePerTaskData(Mtl4jConfig config) {
    List<String> problems = new java.util.ArrayList<>();
    for (int i = 0; i < config.tasks().size(); i++) {
      if (config.tasks().get(i).data() != null) {
        problems.add(
            "tasks["
                + i
                + "].data: Spark training reads one data set, partitioned over the executors;"
                + " per-task data sets train locally (drop --spark-master), or give the tasks"
                + " one file with their missing labels empty");
      }
    }
    if (config.training().sampling().oneTaskPerStep()) {
      problems.add(
          "training.sampling: '"
              + config.training().sampling().schedule()
              + "' trains one task per step, which Spark training does not schedule; use"
              + " training.sampling: mixed or train locally");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** The checkpoint folder of this config's run. */
  public Path checkpointDir() {
    return Path.of(config.output(), config.name(), "checkpoint");
  }

  /** Trains from scratch. */
  public SparkTrainingResult train() {
    return train(null);
  }

  /**
   * Trains, continuing from {@code resumeFrom} (a checkpoint folder or a run folder holding one,
   * written by a local or a distributed run) when not null.
   */
  public SparkTrainingResult train(Path resumeFrom) {
    refusePerTaskData(config);
    if (options.mode() == TrainingMode.SYNC) {
      WeightingCompatibilityCheck.requireSparkSync(config, Mtl4j.plugins());
    }
    Checkpoint resume =
        resumeFrom == null ? null : new CheckpointStore().load(Trainer.checkpointDir(resumeFrom));
    // one writer per run folder, as for local runs; a distributed run never replaces a finished one
    try (RunFolder folder = RunFolder.open(config.output(), config.name())) {
      if (resume == null && folder.holdsRun()) {
        throw new RunFolderException(
            folder.dir()
                + ": holds a run; a new distributed run does not replace it: continue it with"
                + " --resume "
                + folder.dir()
                + " or train under another --name");
      }
      return trainFrom(resume);
    }
  }

  private SparkTrainingResult trainFrom(Checkpoint resume) {
    String yaml = new ConfigWriter().toYaml(config);
    Dataset data =
        Mtl4j.component(config, Datasets.class)
            .load(
                config.data(),
                resume == null
                    ? config.tasks()
                    : TargetScaling.asTrained(config.tasks(), resume.preprocessing()),
                config.seed());
    Datasets.TrainValidation tv =
        Datasets.splitValidation(data.train(), config.training().validationSplit(), config.seed());
    List<Task> tasks = data.tasks();
    int[] outputSizes = tasks.stream().mapToInt(Task::outputSize).toArray();
    boolean[] masked = new boolean[tasks.size()];
    for (int t = 0; t < masked.length; t++) {
      masked[t] = tv.train().examples().mask(tasks.get(t).name()) != null;
    }
    String runId = config.name() + "-" + UUID.randomUUID();
    RunSpec spec =
        new RunSpec(
            runId,
            config,
            outputSizes,
            masked,
            data.inputLayout(),
            tv.train().size(),
            options.mode(),
            options.failure());
    Broadcast<RunSpec> specB = sc.broadcast(spec);
    try (DistributedRows distributed =
        DistributedRows.distribute(sc, rowsOf(tv.train(), tasks), options.partitions())) {
      return train(resume, data, tv, tasks, specB, distributed.rdd(), yaml);
    } finally {
      specB.destroy();
    }
  }

  private SparkTrainingResult train(
      Checkpoint resume,
      Dataset data,
      Datasets.TrainValidation tv,
      List<Task> tasks,
      Broadcast<RunSpec> specB,
      JavaRDD<ExampleRow> rows,
      String yaml) {
    BackendFactory.Opened opened =
        Mtl4j.component(config, BackendFactory.class).open(config.backend());
    NetworkFactory networks = Mtl4j.component(config, NetworkFactory.class);
    Map<String, Object> pre = new LinkedHashMap<>(data.preprocessing());
    pre.put("input_size", data.inputSize());
    try (ComputeBackend backend = opened.backend();
        MultiTaskNetwork net = networks.network(config, data.inputLayout(), tasks, backend);
        TaskWeighting weighting = networks.weighting(config, tasks, backend);
        Optimizer optimizer = OptimizerFactory.create(config.optimizer(), backend)) {
      if (!net.buffers().isEmpty()) {
        // the shards' forward passes would update their own copies; nothing brings them back yet
        throw new ConfigException(
            List.of(
                "model: the network keeps batch-norm running statistics ("
                    + net.buffers().get(0).name()
                    + ", ...), which distributed training does not aggregate across partitions;"
                    + " train it locally, or use a layer list without bn and residual layers"));
      }
      if (options.mode() == TrainingMode.SYNC
          && weighting.gradientSource() == GradientSource.REPRESENTATION) {
        // a method that balances the representation without a rep_grad option
        throw new ConfigException(
            List.of(
                "weighting.method: '"
                    + config.weighting().method()
                    + "' balances gradients of the shared representation, which synchronous"
                    + " Spark training does not aggregate; use --mode average"));
      }
      Driver d = new Driver(backend, net, weighting, optimizer, tasks, specB, rows, yaml, pre);
      try {
        return d.run(tv.train().size(), tv.validation(), data.test(), resume);
      } finally {
        release(rows, specB.value().runId());
      }
    }
  }

  /**
   * Closes the run's shards on the executors. A failure here (an executor lost as the run ends)
   * only logs: the shards go with their executors when the application ends.
   */
  private static void release(JavaRDD<ExampleRow> rows, String runId) {
    try {
      rows.mapPartitionsWithIndex(ShardTasks.release(runId), true).collect();
    } catch (RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "could not release the shards of " + runId + " on every executor: " + e.getMessage());
    }
  }

  /** The training split as rows, position = index in the split (the shuffle's index space). */
  static List<ExampleRow> rowsOf(Split split, List<Task> tasks) {
    Examples ex = split.examples();
    int d = ex.inputSize();
    int[] r = split.rows();
    List<ExampleRow> out = new ArrayList<>(r.length);
    for (int i = 0; i < r.length; i++) {
      float[] x = new float[d];
      System.arraycopy(ex.features(), r[i] * d, x, 0, d);
      float[][] y = new float[tasks.size()][];
      float[] lab = new float[tasks.size()];
      for (int t = 0; t < y.length; t++) {
        String name = tasks.get(t).name();
        int k = ex.targetColumns(name);
        y[t] = new float[k];
        System.arraycopy(ex.targets(name), r[i] * k, y[t], 0, k);
        float[] mask = ex.mask(name);
        lab[t] = mask == null ? 1f : mask[r[i]];
      }
      out.add(new ExampleRow(i, x, y, lab));
    }
    return out;
  }

  /** The driver's side of one run. */
  private final class Driver {
    private final ComputeBackend backend;
    private final MultiTaskNetwork net;
    private final TaskWeighting weighting;
    private final Optimizer optimizer;
    private final List<Task> tasks;
    private final Broadcast<RunSpec> spec;
    private final JavaRDD<ExampleRow> rows;
    private final List<Parameter> params;
    private final List<Parameter> netParams;
    private final ParameterLayout layout;
    private final TrainingState state;
    private LearningRateSchedule schedule;
    private TrainingStep step;
    private int trainSize;
    private long stepsTaken;
    private long broadcasts;
    private long broadcastBytes;
    private long aggregatedBytes;
    private long shardBuilds;
    private long exchanges;
    private double seconds;

    Driver(
        ComputeBackend backend,
        MultiTaskNetwork net,
        TaskWeighting weighting,
        Optimizer optimizer,
        List<Task> tasks,
        Broadcast<RunSpec> spec,
        JavaRDD<ExampleRow> rows,
        String yaml,
        Map<String, Object> preprocessing) {
      this.backend = backend;
      this.net = net;
      this.weighting = weighting;
      this.optimizer = optimizer;
      this.tasks = tasks;
      this.spec = spec;
      this.rows = rows;
      this.layout = ParameterLayout.of(net, List.of());
      this.netParams = layout.all();
      this.params = TrainingStep.parameters(net, weighting);
      this.state =
          new TrainingState(
              backend, tasks, params, optimizer, weighting, yaml, config.seed(), preprocessing);
    }

    SparkTrainingResult run(int trainSize, Split validation, Split test, Checkpoint resume) {
      EpochDriver epochs =
          new EpochDriver(
              config,
              backend,
              net,
              weighting,
              state,
              List.of(new LoggingListener()),
              new AtomicBoolean(),
              checkpointDir());
      schedule = LearningRateSchedule.forRun(config, trainSize);
      step =
          new TrainingStep(
              backend,
              net,
              weighting,
              optimizer,
              schedule,
              config.optimizer().clipNorm(),
              config.seed());
      this.trainSize = trainSize;
      EpochDriver.Outcome outcome =
          epochs.run(
              trainSize,
              validation,
              resume,
              options.mode() == TrainingMode.SYNC ? this::syncStep : this::averageRound);
      Map<String, TaskScores> scores =
          test.size() > 0 ? new Evaluator(backend, 512).evaluate(net, test) : Map.of();
      Map<String, float[]> values = new LinkedHashMap<>();
      for (Parameter p : params) {
        values.put(p.name(), backend.toHost(p.value()));
      }
      SparkRunMetrics metrics =
          new SparkRunMetrics(
              options.partitions(),
              stepsTaken,
              exchanges,
              seconds,
              broadcasts,
              broadcastBytes,
              aggregatedBytes,
              shardBuilds);
      return new SparkTrainingResult(
          outcome.history(),
          scores,
          values,
          metrics,
          checkpointDir(),
          outcome.stopReason().label());
    }

    /** One synchronous step: aggregate the per-task gradients, then the driver's step. */
    private int syncStep(int epoch, int s, long step, EpochDriver.EpochTotals totals) {
      long ts = System.nanoTime();
      int batchSize = config.training().batchSize();
      int from = s * batchSize;
      int n = Math.min(batchSize, trainSize - from);
      float[] theta = ParameterLayout.flatten(backend, netParams);
      Broadcast<float[]> b = sc.broadcast(theta);
      broadcasts++;
      broadcastBytes += 4L * theta.length;
      GradientSum sum;
      try {
        sum =
            rows.mapPartitionsWithIndex(ShardTasks.gradients(spec, epoch, step, from, n, b), true)
                .treeAggregate(
                    new GradientSum(tasks.size()),
                    GradientSum::merge,
                    GradientSum::merge,
                    options.aggregationDepth());
      } finally {
        b.destroy();
      }
      aggregatedBytes += sum.sentBytes;
      shardBuilds += sum.shardBuilds;
      TrainingStep.Result r =
          this.step.run(
              epoch,
              step,
              g -> {
                List<Var> losses = new ArrayList<>();
                for (int t = 0; t < tasks.size(); t++) {
                  losses.add(surrogateLoss(g, t, sum));
                }
                return new TrainingStep.TaskLosses(losses, null);
              },
              TrainingStep.LossCheck.NONE);
      for (int t = 0; t < tasks.size(); t++) {
        if (sum.counts[t] > 0) {
          totals.addLoss(t, sum.lossSums[t] / sum.counts[t], 1);
        }
      }
      totals.weights(r.weights());
      totals.learningRate(r.learningRate());
      count(1, ts);
      return 1;
    }

    private void count(int steps, long startNanos) {
      stepsTaken += steps;
      exchanges++;
      seconds += (System.nanoTime() - startNanos) / 1e9;
    }

    /**
     * {@code l_t + Σ_p sum((θ_p − θ_p⁰) ⊙ g_tp)}: the task's global-batch mean loss at the current
     * parameters, with the aggregated mean gradient as its gradient.
     */
    private Var surrogateLoss(Graph g, int t, GradientSum sum) {
      double c = sum.counts[t];
      if (c == 0 || sum.gradients[t] == null) {
        return g.constant(backend.zeros(Shape.scalar()));
      }
      float[] flat = sum.gradients[t];
      Var acc = null;
      int off = 0;
      for (Parameter p : layout.taskParameters(t)) {
        float[] gp = new float[p.size()];
        for (int i = 0; i < gp.length; i++) {
          gp[i] = (float) (flat[off + i] / c);
        }
        off += gp.length;
        Var theta0 = g.constant(backend.fromHost(p.shape(), backend.toHost(p.value())));
        Var grad = g.constant(backend.fromHost(p.shape(), gp));
        Var term = g.sum(g.mul(g.sub(g.param(p), theta0), grad));
        acc = acc == null ? term : g.add(acc, term);
      }
      return g.addScalar(acc, (float) (sum.lossSums[t] / c));
    }

    /** One averaging round of up to k local steps from step {@code s} of the epoch. */
    private int averageRound(int epoch, int s, long step, EpochDriver.EpochTotals totals) {
      long ts = System.nanoTime();
      int batchSize = config.training().batchSize();
      int k = Math.min(options.averageEvery(), EpochDriver.stepsPerEpoch(trainSize, batchSize) - s);
      int from = s * batchSize;
      RoundState round =
          new RoundState(
              ParameterLayout.flatten(backend, params),
              state.optimizerState(step),
              weighting.state());
      Broadcast<RoundState> b = sc.broadcast(round);
      broadcasts++;
      broadcastBytes += round.bytes();
      RoundSum sum;
      try {
        sum =
            rows.mapPartitionsWithIndex(ShardTasks.round(spec, epoch, step, from, k, b), true)
                .treeAggregate(
                    new RoundSum(tasks.size()),
                    RoundSum::merge,
                    RoundSum::merge,
                    options.aggregationDepth());
      } finally {
        b.destroy();
      }
      aggregatedBytes += sum.sentBytes;
      shardBuilds += sum.shardBuilds;
      if (sum.examples == 0) {
        throw new IllegalStateException("no partition trained in the round at step " + step);
      }
      float inv = 1f / sum.examples;
      float[] p = sum.parameters;
      for (int i = 0; i < p.length; i++) {
        p[i] *= inv;
      }
      ParameterLayout.upload(backend, params, p);
      Map<String, float[]> opt = new LinkedHashMap<>();
      opt.put(Optimizer.STEPS, Optimizer.encodeSteps(step + k));
      sum.optimizerSlots.forEach(
          (name, v) -> {
            for (int i = 0; i < v.length; i++) {
              v[i] *= inv;
            }
            opt.put(name, v);
          });
      optimizer.restore(opt, params);
      weighting.restore(sum.weightingState);
      for (int t = 0; t < tasks.size(); t++) {
        if (sum.counts[t] > 0) {
          // mean over the round's examples, counted once per step like local training
          totals.addLoss(t, sum.lossSums[t] / sum.counts[t] * k, k);
        }
      }
      totals.learningRate(schedule.at(step + k - 1));
      count(k, ts);
      return k;
    }

    /** Logs epochs and messages (early stop, resume) as the local trainer's listeners show them. */
    private static final class LoggingListener implements TrainingListener {
      @Override
      public void epoch(EpochRecord rec) {
        LOG.log(
            System.Logger.Level.INFO,
            "epoch "
                + rec.epoch()
                + ": train loss "
                + rec.trainLoss()
                + ", validation "
                + rec.validation());
      }

      @Override
      public void message(String text) {
        LOG.log(System.Logger.Level.INFO, text);
      }
    }
  }
}
