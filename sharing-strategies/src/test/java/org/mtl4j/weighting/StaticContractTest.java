package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code static} against the api test-jar's contract and this module's exact checks. */
class StaticContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new StaticWeightingProvider();
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new StaticWeightingProvider();
    }

    @Override
    String expectedName() {
      return "static";
    }

    @Override
    boolean weightsTaskParameters() {
      return true;
    }
  }
}
