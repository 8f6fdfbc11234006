package org.mtl4j.trainer.compare;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.metrics.TaskScores;

/**
 * One finished cell of a comparison grid: a multi-task run (a weighting method with a strategy and
 * a seed) or a single-task baseline (one task, {@link #SINGLE_TASK} as its method), with its
 * validation and test scores after every epoch.
 *
 * @param key the cell's name in the manifest
 * @param strategy sharing strategy
 * @param method weighting method, or {@link #SINGLE_TASK}
 * @param seed the run's seed
 * @param validation per epoch (index 0 is epoch 1): each task's validation scores
 * @param test per epoch: each task's test scores
 * @param secondsPerStep mean wall time between consecutive training steps (NaN when unmeasured)
 * @param finished when the cell finished (ISO-8601 instant)
 */
public record CellResult(
    String key,
    String strategy,
    String method,
    long seed,
    List<Map<String, TaskScores>> validation,
    List<Map<String, TaskScores>> test,
    double secondsPerStep,
    String finished) {
  /** The method name of single-task baseline cells. */
  public static final String SINGLE_TASK = "single-task";

  public CellResult {
    validation = List.copyOf(validation);
    test = List.copyOf(test);
  }

  @JsonIgnore
  public boolean isBaseline() {
    return method.equals(SINGLE_TASK);
  }

  /** The manifest key of a multi-task cell. */
  public static String key(String strategy, String method, long seed) {
    return strategy + "/" + method + "/seed-" + seed;
  }

  /** The manifest key of a single-task baseline cell. */
  public static String baselineKey(String strategy, String task, long seed) {
    return strategy + "/" + SINGLE_TASK + "/seed-" + seed + "/" + task;
  }
}
