package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code equal} against the api test-jar's contract and this module's exact checks. */
class EqualContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new EqualWeightingProvider();
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new EqualWeightingProvider();
    }

    @Override
    String expectedName() {
      return "equal";
    }

    @Override
    boolean weightsTaskParameters() {
      return true;
    }
  }
}
