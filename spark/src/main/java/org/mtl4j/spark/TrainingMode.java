package org.mtl4j.spark;

import java.util.Locale;

/** How executors cooperate on one model. */
public enum TrainingMode {
  /**
   * Synchronous data parallelism: every step each partition computes the per-task gradients of its
   * share of the global batch, Spark sums them with {@code treeAggregate}, and the driver applies
   * the weighting method and optimiser (Dean et al., "Large Scale Distributed Deep Networks", 2012,
   * in its synchronous form; Goyal et al., "Accurate, Large Minibatch SGD", 2017).
   */
  SYNC,
  /**
   * Periodic parameter averaging (local SGD: Zinkevich et al. 2010; Stich, "Local SGD Converges
   * Fast and Communicates Little", ICLR 2019): each partition takes k local optimiser steps on its
   * share of each global batch, then parameters and optimiser state are averaged.
   */
  AVERAGE;

  /** Parses {@code sync} or {@code average}. */
  public static TrainingMode parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "sync" -> SYNC;
      case "average" -> AVERAGE;
      default ->
          throw new IllegalArgumentException("--mode: '" + s + "' is not one of sync, average");
    };
  }
}
