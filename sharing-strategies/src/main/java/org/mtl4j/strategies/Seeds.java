package org.mtl4j.strategies;

import org.mtl4j.api.backend.CounterRng;

/**
 * The seed of every component of a network, derived from the build seed with {@link
 * CounterRng#derive}, so that a seed gives the same weights on every backend and that a component
 * can be rebuilt on its own (tests compare a cross-stitch column with an independently built {@link
 * org.mtl4j.api.nn.Mlp} of the same seed).
 */
final class Seeds {
  private static final long TRUNK = 1;
  private static final long COLUMN = 1_000;
  private static final long TOWER = 2_000;
  private static final long EXPERT = 3_000;
  private static final long GATE = 4_000;
  private static final long LEVEL = 5_000;
  private static final long SELECTOR = 6_000;
  private static final long NODE = 7_000;
  private static final long ATTENTION = 8_000;
  private static final long ATTENTION_BLOCK = 9_000;

  private Seeds() {}

  /** The shared trunk of hard sharing. */
  static long trunk(long seed) {
    return CounterRng.derive(seed, TRUNK);
  }

  /** The column of task {@code t} (cross-stitch, soft sharing). */
  static long column(long seed, int t) {
    return CounterRng.derive(seed, COLUMN + t);
  }

  /** The tower (head) of task {@code t}. */
  static long tower(long seed, int t) {
    return CounterRng.derive(seed, TOWER + t);
  }

  /** Expert {@code k} (MMoE; within a PLE level). */
  static long expert(long seed, int k) {
    return CounterRng.derive(seed, EXPERT + k);
  }

  /** Gate {@code k} (the gate of task {@code k}; in PLE index T is the shared gate). */
  static long gate(long seed, int k) {
    return CounterRng.derive(seed, GATE + k);
  }

  /** The seed from which every component of PLE level {@code l} derives its own. */
  static long level(long seed, int l) {
    return CounterRng.derive(seed, LEVEL + l);
  }

  /** The selector-weight gate of task {@code t} (DSelect-k's α logits). */
  static long selectorWeights(long seed, int t) {
    return CounterRng.derive(seed, SELECTOR + t);
  }

  /** Node {@code j} of layer {@code l} of a branching tree (learning to branch). */
  static long node(long seed, int l, int j) {
    return CounterRng.derive(CounterRng.derive(seed, NODE + l), j);
  }

  /** The attention module of task {@code t} at block {@code b} (MTAN). */
  static long attention(long seed, int t, int b) {
    return CounterRng.derive(CounterRng.derive(seed, ATTENTION + t), b);
  }

  /** The shared attention block leading to block {@code b} (MTAN). */
  static long attentionBlock(long seed, int b) {
    return CounterRng.derive(seed, ATTENTION_BLOCK + b);
  }
}
