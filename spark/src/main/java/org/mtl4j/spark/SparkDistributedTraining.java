package org.mtl4j.spark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.distributed.DistributedTraining;

/**
 * {@code mtl4j train --spark-master URL}: data-parallel training of the config on Spark, found by
 * the trainer's CLI through {@link java.util.ServiceLoader}. The mode and partitioning come from
 * Spark properties, so that they can be set like any other Spark setting ({@code
 * -Dspark.mtl4j.mode=average}, {@code spark-defaults.conf} or {@code spark-submit --conf}):
 *
 * <ul>
 *   <li>{@value #MODE}: {@code sync} (default) or {@code average};
 *   <li>{@value #AVERAGE_EVERY}: k, local steps between two averagings (default 8);
 *   <li>{@value #PARTITIONS}: partitions of the training data (default: Spark's default
 *       parallelism, the executors' cores).
 * </ul>
 */
public final class SparkDistributedTraining implements DistributedTraining {
  /** Spark property: {@code sync} or {@code average}. */
  public static final String MODE = "spark.mtl4j.mode";

  /** Spark property: local steps between two averagings. */
  public static final String AVERAGE_EVERY = "spark.mtl4j.averageEvery";

  /** Spark property: partitions of the training data. */
  public static final String PARTITIONS = "spark.mtl4j.partitions";

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public int train(Mtl4jConfig config, String master, Path resume, PrintStream out) {
    SparkConf conf = new SparkConf().setAppName("mtl4j " + config.name()).setMaster(master);
    options(conf, 1); // the spark.mtl4j.* values are checked before a context starts
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      SparkTrainingOptions o = options(conf, sc.defaultParallelism());
      SparkTrainingResult r = new SparkTrainer(sc, config, o).train(resume);
      SparkMain.report(r, o.mode(), out);
      return 0;
    }
  }

  /**
   * The options that {@code conf}'s {@code spark.mtl4j.*} properties select, with {@code
   * defaultPartitions} when {@value #PARTITIONS} is unset.
   *
   * @throws ConfigException naming the property and its value when one is invalid
   */
  static SparkTrainingOptions options(SparkConf conf, int defaultPartitions) {
    String m = conf.get(MODE, "sync");
    TrainingMode mode;
    try {
      mode = TrainingMode.parse(m);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          List.of(MODE + ": '" + excerpt(m) + "' is not one of sync, average"));
    }
    return new SparkTrainingOptions(
        mode,
        positive(conf, AVERAGE_EVERY, 8),
        positive(conf, PARTITIONS, defaultPartitions),
        2,
        null);
  }

  private static int positive(SparkConf conf, String key, int dflt) {
    if (!conf.contains(key)) {
      return dflt;
    }
    String v = conf.get(key);
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(List.of(key + ": '" + excerpt(v) + "' is not an integer >= 1"));
  }

  /** A user value for a message: at most 40 characters, control characters escaped. */
  private static String excerpt(String v) {
    String s = v.length() > 40 ? v.substring(0, 40) + "..." : v;
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }
}
