package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code uncertainty} against the api test-jar's contract and this module's exact checks. */
class UncertaintyContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new UncertaintyWeightingProvider();
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new UncertaintyWeightingProvider();
    }

    @Override
    String expectedName() {
      return "uncertainty";
    }

    @Override
    boolean weightsTaskParameters() {
      return true;
    }
  }
}
