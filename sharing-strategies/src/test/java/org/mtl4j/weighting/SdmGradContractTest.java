package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code sdmgrad} against the api test-jar's contract and this module's exact checks. */
class SdmGradContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new SdmGradProvider();
  }

  @Nested
  class ExactCombination extends GradientLevelContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new SdmGradProvider();
    }

    @Override
    String expectedName() {
      return "sdmgrad";
    }
  }
}
