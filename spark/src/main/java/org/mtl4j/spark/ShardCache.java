package org.mtl4j.spark;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-executor cache that lets a partition keep its rows, backend, network and optimiser
 * between steps: one {@link ShardState} per run and partition, built from the partition's rows the
 * first time a task of that partition runs in this JVM (and again after a retry lands on another
 * executor).
 *
 * <p>This is the one piece of static mutable state in mtl4j, on purpose: Spark deserialises every
 * task's closure afresh, so a JVM-wide registry is the only place an executor can keep native
 * resources between tasks (MLlib and XGBoost4J-Spark do the same). Entries are removed by {@link
 * #release}, which the driver runs on the executors when a run ends.
 */
final class ShardCache {
  private static final Map<String, ShardState> SHARDS = new ConcurrentHashMap<>();

  private ShardCache() {}

  static ShardState get(RunSpec spec, int partition, Iterator<ExampleRow> rows) {
    return SHARDS.computeIfAbsent(
        key(spec.runId(), partition), k -> ShardState.build(spec, partition, rows));
  }

  /** Closes and forgets every shard of {@code runId} held by this JVM; returns how many. */
  static int release(String runId) {
    int n = 0;
    for (var it = SHARDS.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().startsWith(runId + "/")) {
        it.remove();
        e.getValue().close();
        n++;
      }
    }
    return n;
  }

  /** Shards of all runs held by this JVM. */
  static int size() {
    return SHARDS.size();
  }

  private static String key(String runId, int partition) {
    return runId + "/" + partition;
  }
}
