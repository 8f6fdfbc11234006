package org.mtl4j.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A sum over partitions of the state each reached after an averaging round, every partition's
 * parameters and optimiser slots multiplied by the number of examples it trained on in the round,
 * so dividing by {@link #examples} gives the sample-weighted average. Carries the losses seen and
 * the weighting state of the lowest-numbered contributing partition.
 */
final class RoundSum implements Serializable {
  private static final long serialVersionUID = 1L;
  float[] parameters;
  final Map<String, float[]> optimizerSlots = new LinkedHashMap<>();
  final double[] lossSums;
  final double[] counts;
  long examples;
  int partitions;

  /** Bytes the partitions sent up (payloads before merging). */
  long sentBytes;

  /** Partitions that had to build their executor shard for this request. */
  int shardBuilds;

  int weightingPartition = Integer.MAX_VALUE;
  Map<String, double[]> weightingState = Map.of();

  RoundSum(int tasks) {
    lossSums = new double[tasks];
    counts = new double[tasks];
  }

  RoundSum merge(RoundSum o) {
    if (o.parameters != null) {
      parameters = add(parameters, o.parameters);
    }
    o.optimizerSlots.forEach((k, v) -> optimizerSlots.put(k, add(optimizerSlots.get(k), v)));
    for (int t = 0; t < lossSums.length; t++) {
      lossSums[t] += o.lossSums[t];
      counts[t] += o.counts[t];
    }
    examples += o.examples;
    partitions += o.partitions;
    sentBytes += o.sentBytes;
    shardBuilds += o.shardBuilds;
    if (o.weightingPartition < weightingPartition) {
      weightingPartition = o.weightingPartition;
      weightingState = o.weightingState;
    }
    return this;
  }

  private static float[] add(float[] acc, float[] x) {
    if (acc == null) {
      return x.clone();
    }
    if (acc.length != x.length) {
      throw new IllegalStateException(
          "partitions sent state vectors of " + acc.length + " and " + x.length + " values");
    }
    for (int i = 0; i < acc.length; i++) {
      acc[i] += x[i];
    }
    return acc;
  }

  long payloadBytes() {
    long b = parameters == null ? 0 : 4L * parameters.length;
    for (float[] v : optimizerSlots.values()) {
      b += 4L * v.length;
    }
    return b + 16L * lossSums.length;
  }
}
