package org.mtl4j.weighting;

import java.util.Locale;

/**
 * Where a method's inner solver reports steps on which it stopped at its iteration bound before
 * meeting its tolerance: a WARNING in the run log the 1st, 2nd, 4th, 8th, ... time (so a long run
 * is not flooded), each with the step, the iterations, the residual and the running count. The
 * method then uses the last iterate, which it says.
 */
final class SolverReport {
  private static final System.Logger LOG = System.getLogger("org.mtl4j.weighting");

  private final String method;
  private long nonConverged;

  SolverReport(String method) {
    this.method = method;
  }

  /** Records a step whose solve stopped at {@code iterations} with the given residual. */
  void notConverged(long step, int iterations, double residual, String fallback) {
    nonConverged++;
    if (Long.bitCount(nonConverged) == 1) {
      LOG.log(
          System.Logger.Level.WARNING,
          String.format(
              Locale.ROOT,
              "%s: the inner solver did not converge at step %d (%d iterations, residual %.3g);"
                  + " %s. %d such step(s) so far in this run",
              method,
              step,
              iterations,
              residual,
              fallback,
              nonConverged));
    }
  }

  /** Steps whose solve did not converge so far. */
  long nonConverged() {
    return nonConverged;
  }
}
