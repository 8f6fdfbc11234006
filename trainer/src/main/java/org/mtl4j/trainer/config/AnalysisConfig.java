package org.mtl4j.trainer.config;

import java.io.Serializable;

/**
 * Measurements taken during training to tell which tasks help each other ({@code analysis:} in the
 * config; see {@link org.mtl4j.trainer.analysis.AffinityMeter}).
 *
 * @param affinity whether lookahead affinity, gradient conflict and norm ratios are measured
 * @param sampleEvery measure on one training step in this many
 * @param lookaheadLr step size of the lookahead, or 0 to use the optimiser's learning rate
 * @param maxGroups most networks the suggested task grouping may use
 */
public record AnalysisConfig(boolean affinity, int sampleEvery, double lookaheadLr, int maxGroups)
    implements Serializable {

  /** Default sampling rate: one step in 20 keeps the cost near 10% of training for two tasks. */
  public static final int DEFAULT_SAMPLE_EVERY = 20;

  /** No analysis. */
  public static AnalysisConfig off() {
    return new AnalysisConfig(false, DEFAULT_SAMPLE_EVERY, 0, 2);
  }
}
