package org.mtl4j.spark;

import java.io.Serializable;
import java.util.Map;

/**
 * What the driver broadcasts at the start of an averaging round: parameter values (network and
 * learned weighting parameters, flat), the optimiser state (averaged moments and the global step
 * count) and the weighting method's host state.
 */
record RoundState(
    float[] parameters, Map<String, float[]> optimizerState, Map<String, double[]> weightingState)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  long bytes() {
    long b = 4L * parameters.length;
    for (float[] v : optimizerState.values()) {
      b += 4L * v.length;
    }
    for (double[] v : weightingState.values()) {
      b += 8L * v.length;
    }
    return b;
  }
}
