package org.mtl4j.trainer.data;

import java.util.List;
import org.mtl4j.api.options.Options;
import org.mtl4j.trainer.config.DataSourceInfo;
import org.mtl4j.trainer.config.TaskConfig;

/**
 * Where examples come from: a named data set that builds its tasks' targets. A plugin SPI like
 * {@code SharingStrategyProvider} and {@code TaskWeightingProvider}: implementations are public
 * classes with a no-argument constructor, listed in {@code
 * META-INF/services/org.mtl4j.trainer.data.DataSource} and found through {@link
 * java.util.ServiceLoader} (the built-in {@code fashion-mnist}, {@code multi-fashion}, {@code csv}
 * and {@code synthetic-mmoe} too). {@code data.options} are checked against {@link #options()}
 * before {@link #load}; {@code mtl4j plugins} lists every source found. {@code DataSourceContract}
 * in the trainer's test-jar checks an implementation; {@code docs/extending.md} walks through one.
 */
public interface DataSource extends DataSourceInfo {

  /**
   * The options that name local files or folders; {@link Datasets} checks that they exist before
   * {@link #load} so that a wrong path is reported with its config path. None by default.
   */
  default List<PathOption> pathOptions() {
    return List.of();
  }

  /**
   * Loads the data for the given tasks.
   *
   * @param options the data section's options, checked against {@link #options()} (and, when loaded
   *     through {@link Datasets}, against {@link #pathOptions()})
   * @param tasks the configured tasks, whose labels this source resolves
   * @param seed seed for generated data and random test splits
   * @throws DataException when files are missing, corrupt or inconsistent
   */
  Dataset load(Options options, List<TaskConfig> tasks, long seed);
}
