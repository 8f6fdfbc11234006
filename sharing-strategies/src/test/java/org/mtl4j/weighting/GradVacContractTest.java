package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code gradvac} against the api test-jar's contract and this module's exact checks. */
class GradVacContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new GradVacProvider();
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new GradVacProvider();
    }

    @Override
    String expectedName() {
      return "gradvac";
    }

    @Override
    boolean weightsTaskParameters() {
      return false;
    }
  }
}
