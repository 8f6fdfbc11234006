package org.mtl4j.spark;

/**
 * Communication and speed of a distributed run.
 *
 * @param partitions data partitions (executor tasks per step or round)
 * @param steps global optimiser steps taken
 * @param exchanges synchronisations with the executors (steps in sync mode, rounds when averaging)
 * @param seconds wall time of the training steps (validation and checkpoints excluded)
 * @param broadcasts parameter broadcasts made
 * @param broadcastBytes bytes of those broadcasts (one copy each; every executor fetches one)
 * @param aggregatedBytes bytes the partitions sent to {@code treeAggregate} (before merging)
 * @param shardBuilds times an executor built a partition's shard (rows, backend, network): the
 *     number of partitions when nothing was lost, more after retries on other executors
 */
public record SparkRunMetrics(
    int partitions,
    long steps,
    long exchanges,
    double seconds,
    long broadcasts,
    long broadcastBytes,
    long aggregatedBytes,
    long shardBuilds) {

  public double stepsPerSecond() {
    return seconds > 0 ? steps / seconds : Double.NaN;
  }

  /** Size of one parameter broadcast. */
  public double bytesPerBroadcast() {
    return broadcasts > 0 ? (double) broadcastBytes / broadcasts : 0;
  }

  /**
   * Bytes moved per global step: every partition fetches each broadcast, and sends its aggregate
   * contribution.
   */
  public double bytesPerStep() {
    return steps > 0 ? ((double) broadcastBytes * partitions + aggregatedBytes) / steps : 0;
  }
}
