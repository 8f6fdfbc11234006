package org.mtl4j.trainer.compare;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.mtl4j.trainer.checkpoint.AtomicFiles;
import org.mtl4j.trainer.config.AnalysisConfig;
import org.mtl4j.trainer.config.ConfigWriter;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.WeightingCompatibilityCheck;
import org.mtl4j.trainer.config.WeightingConfig;
import org.mtl4j.trainer.data.Sha256;
import org.mtl4j.trainer.metrics.EpochRecord;
import org.mtl4j.trainer.metrics.TaskScores;
import org.mtl4j.trainer.training.Trainer;
import org.mtl4j.trainer.training.TrainingListener;

/**
 * Runs a comparison grid (weighting methods × sharing strategies × seeds, plus each strategy's
 * single-task baselines per seed) sequentially with the ordinary {@link Trainer}, records each
 * finished cell in {@code compare/manifest.json} (skipping cells already there) and writes {@code
 * compare/results.csv}, {@code results.md} and {@code results.png}. Runs live in {@code
 * <output>/<name>/<strategy>/<method>/seed-<s>/}, baselines in {@code
 * <output>/<name>/<strategy>/single-task/seed-<s>/baselines/<task>/}.
 */
public final class ComparisonGrid {
  private final Mtl4jConfig base;
  private final List<String> strategies;
  private final List<String> methods;
  private final List<Long> seeds;
  private final Function<Mtl4jConfig, Trainer> trainers;
  private final PrintStream out;

  /**
   * @param base the config every cell derives from (its own method, strategy and seed are replaced)
   * @param trainers makes the trainer of a cell's config (the CLI adds its progress listener)
   */
  public ComparisonGrid(
      Mtl4jConfig base,
      List<String> strategies,
      List<String> methods,
      List<Long> seeds,
      Function<Mtl4jConfig, Trainer> trainers,
      PrintStream out) {
    this.base = base.withAnalysis(AnalysisConfig.off());
    this.strategies = List.copyOf(strategies);
    this.methods = List.copyOf(methods);
    this.seeds = List.copyOf(seeds);
    this.trainers = trainers;
    this.out = out;
  }

  /** The folder holding the grid's runs: {@code <output>/<name>}. */
  public Path root() {
    return Path.of(base.output(), base.name());
  }

  public List<Long> seeds() {
    return seeds;
  }

  /** The {@code compare/} folder. */
  public Path compareDir() {
    return root().resolve("compare");
  }

  /**
   * The config of a multi-task cell. The config's own method keeps its options; another method gets
   * its defaults, except {@code rep_grad}, which applies to the whole grid (as LibMTL's flag does):
   * a method that does not support it is then incompatible.
   */
  public Mtl4jConfig cellConfig(String strategy, String method, long seed) {
    Object repGrad = base.weighting().options().get(WeightingCompatibilityCheck.REP_GRAD);
    Map<String, Object> wOpts =
        method.equals(base.weighting().method())
            ? base.weighting().options()
            : repGrad == null ? Map.of() : Map.of(WeightingCompatibilityCheck.REP_GRAD, repGrad);
    return strategyConfig(strategy, seed)
        .withWeighting(new WeightingConfig(method, wOpts))
        .withOutput(root().resolve(strategy).resolve(method).toString())
        .withName("seed-" + seed);
  }

  private Mtl4jConfig strategyConfig(String strategy, long seed) {
    Mtl4jConfig c = base.withSeed(seed);
    return strategy.equals(base.model().strategy())
        ? c
        : c.withModel(base.model().withStrategy(strategy, Map.of()));
  }

  /** Runs every unfinished cell, then writes the results; returns the table. */
  public ComparisonTable run() {
    String sha = Sha256.of(new ConfigWriter().toYaml(base).getBytes(StandardCharsets.UTF_8));
    Manifest manifest = Manifest.open(compareDir(), sha);
    List<Runnable> todo = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (String s : strategies) {
      for (long seed : seeds) {
        for (int t = 0; t < base.tasks().size(); t++) {
          String task = base.tasks().get(t).name();
          String key = CellResult.baselineKey(s, task, seed);
          Mtl4jConfig c =
              strategyConfig(s, seed)
                  .withOutput(root().resolve(s).resolve(CellResult.SINGLE_TASK).toString())
                  .withName("seed-" + seed);
          keys.add(key);
          todo.add(
              () ->
                  manifest.add(
                      record(
                          key, s, CellResult.SINGLE_TASK, seed, c, tr -> tr.trainBaseline(task))));
        }
        for (String m : rotated(methods, seeds.indexOf(seed))) {
          String key = CellResult.key(s, m, seed);
          Mtl4jConfig c = cellConfig(s, m, seed);
          keys.add(key);
          todo.add(() -> manifest.add(record(key, s, m, seed, c, Trainer::train)));
        }
      }
    }
    int done = (int) keys.stream().filter(manifest::has).count();
    out.println(
        "grid: "
            + keys.size()
            + " runs ("
            + methods.size()
            + " methods × "
            + strategies.size()
            + " strategies × "
            + seeds.size()
            + " seeds, and single-task baselines); "
            + done
            + " already finished in "
            + compareDir().resolve(Manifest.FILE));
    int n = 0;
    for (int i = 0; i < keys.size(); i++) {
      if (manifest.has(keys.get(i))) {
        continue;
      }
      n++;
      out.println("run " + (done + n) + " of " + keys.size() + ": " + keys.get(i));
      // each cell starts from a collected heap, so that none pays for the garbage of the one before
      System.gc();
      todo.get(i).run();
    }
    ComparisonTable table =
        ComparisonTable.of(strategies, methods, seeds, base.tasks(), manifest.cells());
    write(table);
    return table;
  }

  /**
   * The methods starting at position {@code by}: each seed runs them in another order, so that a
   * method's step time is not always measured at the same point of a long process.
   */
  static List<String> rotated(List<String> methods, int by) {
    List<String> r = new ArrayList<>(methods);
    java.util.Collections.rotate(r, -(by % Math.max(1, r.size())));
    return r;
  }

  private CellResult record(
      String key,
      String strategy,
      String method,
      long seed,
      Mtl4jConfig c,
      java.util.function.Consumer<Trainer> training) {
    Recorder rec = new Recorder();
    Trainer trainer = trainers.apply(c).testEachEpoch(true);
    trainer.addListener(rec);
    training.accept(trainer);
    return new CellResult(
        key,
        strategy,
        method,
        seed,
        rec.validation,
        rec.test,
        rec.secondsPerStep(),
        Instant.now().toString());
  }

  private void write(ComparisonTable table) {
    Path dir = compareDir();
    try {
      AtomicFiles.write(dir.resolve("results.csv"), table.csv().getBytes(StandardCharsets.UTF_8));
      AtomicFiles.write(
          dir.resolve("results.md"),
          table.markdown(base.name(), seeds).getBytes(StandardCharsets.UTF_8));
      ComparisonPlot.write(dir.resolve("results.png"), table);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the results in " + dir, e);
    }
  }

  /**
   * Collects a run's per-epoch validation and test scores and its step times: the median interval
   * between consecutive training steps of an epoch, over every epoch but the first when there are
   * several (JIT compilation and caches warm up in the first), so that an outlier step (a garbage
   * collection, another process) does not move it.
   */
  static final class Recorder implements TrainingListener {
    final List<Map<String, TaskScores>> validation = new ArrayList<>();
    final List<Map<String, TaskScores>> test = new ArrayList<>();
    private final List<Long> first = new ArrayList<>();
    private final List<Long> later = new ArrayList<>();
    private long last = -1;

    @Override
    public void step(int epoch, int stepInEpoch, int stepsPerEpoch, double[] taskLosses) {
      long now = System.nanoTime();
      if (stepInEpoch > 1 && last >= 0) {
        (validation.isEmpty() ? first : later).add(now - last);
      }
      last = now;
    }

    @Override
    public void epoch(EpochRecord record) {
      validation.add(new LinkedHashMap<>(record.validation()));
      last = -1;
    }

    @Override
    public void tested(int epoch, Map<String, TaskScores> scores) {
      test.add(new LinkedHashMap<>(scores));
    }

    double secondsPerStep() {
      List<Long> v = new ArrayList<>(later.isEmpty() ? first : later);
      if (v.isEmpty()) {
        return Double.NaN;
      }
      v.sort(null);
      int n = v.size();
      double median = n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2.0;
      return median / 1e9;
    }
  }
}
