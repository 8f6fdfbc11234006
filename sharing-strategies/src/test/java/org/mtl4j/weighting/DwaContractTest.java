package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code dwa} against the api test-jar's contract and this module's exact checks. */
class DwaContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new DwaProvider();
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new DwaProvider();
    }

    @Override
    String expectedName() {
      return "dwa";
    }

    @Override
    boolean weightsTaskParameters() {
      return true;
    }
  }
}
