package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code gls} against the api test-jar's contract and this module's exact checks. */
class GlsContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new GlsProvider();
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new GlsProvider();
    }

    @Override
    String expectedName() {
      return "gls";
    }

    @Override
    boolean weightsTaskParameters() {
      return true;
    }
  }
}
