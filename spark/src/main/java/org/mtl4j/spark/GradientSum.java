package org.mtl4j.spark;

import java.io.Serializable;

/**
 * A sum over partitions of per-task gradients, each already multiplied by the number of labelled
 * examples it was averaged over, with the matching loss sums and counts; dividing by the counts
 * gives the gradient of each task's mean loss over the whole global batch. The value Spark's {@code
 * treeAggregate} folds in synchronous mode.
 */
final class GradientSum implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Per task the count-weighted gradient over that task's parameters, or null when none. */
  final float[][] gradients;

  final double[] lossSums;
  final double[] counts;
  long examples;
  int partitions;

  /** Bytes the partitions sent up (payloads before merging). */
  long sentBytes;

  /** Partitions that had to build their executor shard for this request. */
  int shardBuilds;

  GradientSum(int tasks) {
    gradients = new float[tasks][];
    lossSums = new double[tasks];
    counts = new double[tasks];
  }

  /** Adds {@code other} into this sum and returns this. */
  GradientSum merge(GradientSum other) {
    for (int t = 0; t < gradients.length; t++) {
      float[] o = other.gradients[t];
      if (o != null) {
        if (gradients[t] == null) {
          gradients[t] = o.clone();
        } else {
          float[] g = gradients[t];
          for (int i = 0; i < g.length; i++) {
            g[i] += o[i];
          }
        }
      }
      lossSums[t] += other.lossSums[t];
      counts[t] += other.counts[t];
    }
    examples += other.examples;
    partitions += other.partitions;
    sentBytes += other.sentBytes;
    shardBuilds += other.shardBuilds;
    return this;
  }

  /** Bytes of gradient payload this value carries (4 per float). */
  long payloadBytes() {
    long b = 0;
    for (float[] g : gradients) {
      b += g == null ? 0 : 4L * g.length;
    }
    return b + 16L * lossSums.length;
  }
}
