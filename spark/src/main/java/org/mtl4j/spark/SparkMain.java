package org.mtl4j.spark;

import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * The {@code spark-submit} entry point:
 *
 * <pre>
 * spark-submit --class org.mtl4j.spark.SparkMain mtl4j-spark.jar -c config.yaml
 *     [--master local[2]] [--mode sync|average] [--average-every k] [--partitions n]
 *     [--resume dir]
 * </pre>
 *
 * <p>Without {@code --master} the master comes from spark-submit; {@code --partitions} defaults to
 * Spark's default parallelism (the executors' total cores).
 */
public final class SparkMain {
  private SparkMain() {}

  /** Parsed command line. */
  record Args(
      Path config,
      String master,
      TrainingMode mode,
      int averageEvery,
      int partitions,
      Path resume) {

    static Args parse(String[] a) {
      Path config = null;
      String master = null;
      TrainingMode mode = TrainingMode.SYNC;
      int every = 8;
      int partitions = 0;
      Path resume = null;
      for (int i = 0; i < a.length; i++) {
        String v = i + 1 < a.length ? a[i + 1] : null;
        switch (a[i]) {
          case "-c", "--config" -> config = Path.of(value(a[i], v));
          case "--master", "--spark-master" -> master = value(a[i], v);
          case "--mode" -> mode = TrainingMode.parse(value(a[i], v));
          case "--average-every" -> every = positive(a[i], value(a[i], v));
          case "--partitions" -> partitions = positive(a[i], value(a[i], v));
          case "--resume" -> resume = Path.of(value(a[i], v));
          default ->
              throw new IllegalArgumentException(
                  "unknown argument '"
                      + a[i]
                      + "'; expected -c config.yaml [--master url] [--mode sync|average]"
                      + " [--average-every k] [--partitions n] [--resume dir]");
        }
        i++;
      }
      if (config == null) {
        throw new IllegalArgumentException("-c config.yaml is required");
      }
      return new Args(config, master, mode, every, partitions, resume);
    }

    private static String value(String flag, String v) {
      if (v == null) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return v;
    }

    private static int positive(String flag, String v) {
      try {
        int n = Integer.parseInt(v);
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(flag + " must be a positive integer, got '" + v + "'");
    }
  }

  public static void main(String[] argv) {
    Args a = Args.parse(argv);
    Mtl4jConfig config = Mtl4j.readConfig(a.config());
    SparkConf conf = new SparkConf().setAppName("mtl4j " + config.name());
    if (a.master() != null) {
      conf.setMaster(a.master());
    }
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      int partitions = a.partitions() > 0 ? a.partitions() : sc.defaultParallelism();
      SparkTrainingOptions o =
          new SparkTrainingOptions(a.mode(), a.averageEvery(), partitions, 2, null);
      SparkTrainingResult r = new SparkTrainer(sc, config, o).train(a.resume());
      report(r, a.mode(), System.out);
    }
  }

  /** Prints a run's outcome, communication figures and per-task test scores. */
  static void report(SparkTrainingResult r, TrainingMode mode, java.io.PrintStream out) {
    SparkRunMetrics m = r.metrics();
    out.printf(
        "%s: %d steps in %.1f s (%.2f steps/s) on %d partitions, %s mode%n",
        r.stopReason(), m.steps(), m.seconds(), m.stepsPerSecond(), m.partitions(), mode);
    out.printf(
        "communication: %d broadcasts of %.0f bytes, %.0f bytes moved per step%n",
        m.broadcasts(), m.bytesPerBroadcast(), m.bytesPerStep());
    for (Map.Entry<String, TaskScores> e : r.test().entrySet()) {
      out.println("test " + e.getKey() + ": " + e.getValue());
    }
    out.println("checkpoint: " + r.checkpointDir());
  }
}
