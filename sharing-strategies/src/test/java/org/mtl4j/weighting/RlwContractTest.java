package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code rlw} against the api test-jar's contract and this module's exact checks. */
class RlwContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new RlwProvider();
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new RlwProvider();
    }

    @Override
    String expectedName() {
      return "rlw";
    }

    @Override
    boolean weightsTaskParameters() {
      return true;
    }
  }
}
