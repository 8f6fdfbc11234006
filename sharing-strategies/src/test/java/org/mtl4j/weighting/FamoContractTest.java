package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code famo} against the api test-jar's contract and this module's exact checks. */
class FamoContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new FamoProvider();
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new FamoProvider();
    }

    @Override
    String expectedName() {
      return "famo";
    }

    @Override
    boolean weightsTaskParameters() {
      return true;
    }
  }
}
