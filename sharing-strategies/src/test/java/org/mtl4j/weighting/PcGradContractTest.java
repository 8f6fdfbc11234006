package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code pcgrad} against the api test-jar's contract and this module's exact checks. */
class PcGradContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new PcGradProvider();
  }

  @Nested
  class ExactCombination extends GradientLevelContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new PcGradProvider();
    }

    @Override
    String expectedName() {
      return "pcgrad";
    }
  }
}
