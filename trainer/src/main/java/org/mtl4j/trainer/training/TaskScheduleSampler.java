package org.mtl4j.trainer.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.mtl4j.api.backend.CounterRng;
import org.mtl4j.api.task.Task;
import org.mtl4j.trainer.checkpoint.CheckpointException;
import org.mtl4j.trainer.config.SamplingConfig;
import org.mtl4j.trainer.data.DataException;
import org.mtl4j.trainer.data.Permutations;
import org.mtl4j.trainer.data.Split;

/**
 * The one-task-per-step schedules of multi-task training over data sets of different sizes: each
 * step trains one task alone on the next batch of its own training rows (those labelled for it).
 * {@code alternating} takes task {@code step mod T}, round-robin, as the classic loop over tasks;
 * {@code proportional}, {@code uniform} and {@code temperature} draw task {@code t} with
 * probability {@code n_t^(1/T) / Σ_u n_u^(1/T)} ({@code T} = 1, ∞ and the configured value;
 * Arivazhagan et al. 2019, "Massively Multilingual Neural Machine Translation in the Wild"; Wang et
 * al. 2020, "Balancing Training for Multilingual Neural Machine Translation"), where {@code n_t} is
 * the task's number of training rows.
 *
 * <p>Each task walks its own rows in seeded shuffles ({@code derive(derive(seed, 5000 + t),
 * pass)}); the last batch of a pass may be smaller, and the next pass reshuffles. The draw of step
 * {@code s} uses {@code derive(seed, 7_000_000 + s)}, so it depends on the step alone; what does
 * depend on the past, each task's pass and offset, is the sampler's {@link #state()}, written to
 * every checkpoint. An epoch is {@code training.steps_per_epoch} steps, by default one pass over
 * the largest task's rows: its batches divided by its share of the steps (1/T for alternating, its
 * probability for the drawn schedules, so proportional sampling takes about as many steps as one
 * pass over the union of all rows).
 */
public final class TaskScheduleSampler implements TaskSampler {
  private final SamplingConfig config;
  private final Split train;
  private final int batchSize;
  private final long seed;
  private final int stepsPerEpoch;
  private final int[][] pools;
  private final double[] probabilities;
  private final double[] cumulative;
  private final int[] pass;
  private final int[] offset;
  private final int[][] order;

  /**
   * @param train the training rows (positions of {@code train}'s rows are what draws return)
   * @param stepsPerEpoch steps per epoch, or 0 for one pass over the largest task's rows
   */
  public TaskScheduleSampler(
      SamplingConfig config,
      Split train,
      List<Task> tasks,
      int batchSize,
      int stepsPerEpoch,
      long seed) {
    if (!config.oneTaskPerStep()) {
      throw new IllegalArgumentException("not a one-task-per-step schedule: " + config.schedule());
    }
    this.config = config;
    this.train = train;
    this.batchSize = batchSize;
    this.seed = seed;
    int tcount = tasks.size();
    this.pools = new int[tcount][];
    List<String> empty = new ArrayList<>();
    for (int t = 0; t < tcount; t++) {
      float[] mask = train.examples().mask(tasks.get(t).name());
      int[] rows = train.rows();
      int[] pool = new int[rows.length];
      int n = 0;
      for (int i = 0; i < rows.length; i++) {
        if (mask == null || mask[rows[i]] != 0f) {
          pool[n++] = i;
        }
      }
      pools[t] = java.util.Arrays.copyOf(pool, n);
      if (n == 0) {
        empty.add(tasks.get(t).name());
      }
    }
    if (!empty.isEmpty()) {
      throw new DataException(
          "training.sampling: "
              + config.schedule()
              + " trains each task on its own labelled rows, but "
              + String.join(", ", empty)
              + (empty.size() == 1 ? " has" : " have")
              + " none among the "
              + rows()
              + " training rows");
    }
    this.probabilities = probabilities(config, pools);
    this.stepsPerEpoch = stepsPerEpoch > 0 ? stepsPerEpoch : onePassOverTheLargest(batchSize);
    this.cumulative = new double[tcount];
    double c = 0;
    for (int t = 0; t < tcount; t++) {
      c += probabilities[t];
      cumulative[t] = c;
    }
    this.pass = new int[tcount];
    this.offset = new int[tcount];
    this.order = new int[tcount][];
  }

  /**
   * The steps in which the largest task's rows are passed once: its batches divided by the share of
   * steps that train it (exactly T times its batches for alternating, the expected number for the
   * drawn schedules; proportional then takes about as many steps as one pass over the union).
   */
  private int onePassOverTheLargest(int batchSize) {
    int largest = 0;
    for (int t = 1; t < pools.length; t++) {
      if (pools[t].length > pools[largest].length) {
        largest = t;
      }
    }
    int batches = EpochDriver.stepsPerEpoch(pools[largest].length, batchSize);
    if (!config.drawn()) {
      return batches * pools.length;
    }
    return (int) Math.min(Integer.MAX_VALUE, Math.ceil(batches / probabilities[largest] - 1e-9));
  }

  private int rows() {
    return train.size();
  }

  /** Each task's probability of being drawn: {@code n_t^(1/T)} normalised. */
  static double[] probabilities(SamplingConfig config, int[][] pools) {
    double[] p = new double[pools.length];
    double sum = 0;
    double inv = 1.0 / config.temperature();
    for (int t = 0; t < p.length; t++) {
      p[t] = Math.pow(pools[t].length, inv);
      sum += p[t];
    }
    for (int t = 0; t < p.length; t++) {
      p[t] /= sum;
    }
    return p;
  }

  /** Each task's probability of being drawn (alternating: 1/T, taken in turn). */
  public double[] probabilities() {
    if (!config.drawn()) {
      double[] p = new double[pools.length];
      java.util.Arrays.fill(p, 1.0 / pools.length);
      return p;
    }
    return probabilities.clone();
  }

  /** Each task's number of training rows. */
  public int[] sizes() {
    int[] n = new int[pools.length];
    for (int t = 0; t < n.length; t++) {
      n[t] = pools[t].length;
    }
    return n;
  }

  @Override
  public int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  /** The task global step {@code step} trains. */
  public int task(long step) {
    if (!config.drawn()) {
      return (int) (step % pools.length);
    }
    double u = new SplittableRandom(CounterRng.derive(seed, 7_000_000L + step)).nextDouble();
    for (int t = 0; t < cumulative.length - 1; t++) {
      if (u < cumulative[t]) {
        return t;
      }
    }
    return cumulative.length - 1;
  }

  @Override
  public Draw next(int epoch, int stepInEpoch, long step) {
    int t = task(step);
    int[] o = order(t);
    int from = offset[t];
    int count = Math.min(batchSize, o.length - from);
    offset[t] += count;
    if (offset[t] == o.length) {
      pass[t]++;
      offset[t] = 0;
      order[t] = null;
    }
    return new Draw(o, from, count, t);
  }

  /** Task {@code t}'s rows (positions in the training split) in its current pass's order. */
  private int[] order(int t) {
    if (order[t] == null) {
      int[] pool = pools[t];
      int[] perm =
          Permutations.of(
              pool.length, CounterRng.derive(CounterRng.derive(seed, 5000 + t), pass[t]));
      int[] o = new int[pool.length];
      for (int k = 0; k < o.length; k++) {
        o[k] = pool[perm[k]];
      }
      order[t] = o;
    }
    return order[t];
  }

  @Override
  public Map<String, Object> state() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("schedule", config.schedule());
    s.put("pass", toList(pass));
    s.put("offset", toList(offset));
    s.put("rows", toList(sizes()));
    return s;
  }

  @Override
  public void restore(Map<String, Object> state) {
    if (state.isEmpty()) {
      throw new CheckpointException(
          "the checkpoint holds no sampler position; it was trained with training.sampling:"
              + " mixed, the config asks for "
              + config.schedule()
              + "; resume with the schedule it was trained with");
    }
    if (!config.schedule().equals(state.get("schedule"))) {
      throw new CheckpointException(
          "the checkpoint was trained with training.sampling: "
              + state.get("schedule")
              + ", the config asks for "
              + config.schedule()
              + "; resume with the schedule it was trained with");
    }
    int[] p = fromList(state.get("pass"));
    int[] o = fromList(state.get("offset"));
    int[] n = fromList(state.get("rows"));
    if (!java.util.Arrays.equals(n, sizes())) {
      throw new CheckpointException(
          "the checkpoint's sampler walked tasks of "
              + java.util.Arrays.toString(n)
              + " training rows, this data has "
              + java.util.Arrays.toString(sizes())
              + "; resume with the data it was trained on");
    }
    for (int t = 0; t < pass.length; t++) {
      pass[t] = p[t];
      offset[t] = o[t];
      order[t] = null;
    }
  }

  private static List<Integer> toList(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int v : a) {
      l.add(v);
    }
    return l;
  }

  private int[] fromList(Object o) {
    if (!(o instanceof List<?> l) || l.size() != pools.length) {
      throw new CheckpointException(
          "the checkpoint's sampler state " + o + " does not hold one value per task");
    }
    return l.stream().mapToInt(v -> ((Number) v).intValue()).toArray();
  }
}
