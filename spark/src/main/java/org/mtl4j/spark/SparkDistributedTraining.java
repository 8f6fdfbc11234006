package org.mtl4j.spark;

import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.distributed.DistributedTraining;

/**
 * {@code mtl4j train --spark-master URL}: synchronous data-parallel training of the config on
 * Spark, one partition per default-parallelism slot (the executors' cores), found by the trainer's
 * CLI through {@link java.util.ServiceLoader}.
 */
public final class SparkDistributedTraining implements DistributedTraining {

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public int train(Mtl4jConfig config, String master, Path resume, PrintStream out) {
    SparkConf conf = new SparkConf().setAppName("mtl4j " + config.name()).setMaster(master);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      SparkTrainingOptions o = SparkTrainingOptions.sync(sc.defaultParallelism());
      SparkTrainingResult r = new SparkTrainer(sc, config, o).train(resume);
      SparkMain.report(r, TrainingMode.SYNC, out);
      return 0;
    }
  }
}
