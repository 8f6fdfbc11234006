package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code gradnorm} against the api test-jar's contract and this module's exact checks. */
class GradNormContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new GradNormProvider();
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new GradNormProvider();
    }

    @Override
    String expectedName() {
      return "gradnorm";
    }

    @Override
    boolean weightsTaskParameters() {
      return true;
    }
  }
}
