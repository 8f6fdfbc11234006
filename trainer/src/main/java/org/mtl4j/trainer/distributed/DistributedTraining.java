package org.mtl4j.trainer.distributed;

import java.io.PrintStream;
import java.nio.file.Path;
import org.mtl4j.trainer.config.Mtl4jConfig;

/**
 * Training of a config on a cluster, found with {@link java.util.ServiceLoader} so that the trainer
 * does not depend on a cluster framework: {@code mtl4j train --spark-master URL} uses the provider
 * that the {@code mtl4j-spark} module registers when that module (and Spark) are on the class path.
 */
public interface DistributedTraining {

  /** The option that selects this provider, e.g. {@code spark}. */
  String name();

  /**
   * Trains {@code config} on the cluster at {@code master} and prints the per-task test results.
   *
   * @param resume checkpoint or run folder to continue from, or null
   * @return the CLI exit code
   */
  int train(Mtl4jConfig config, String master, Path resume, PrintStream out);
}
