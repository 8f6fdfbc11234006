package org.mtl4j.weighting;

import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code nash-mtl} against the api test-jar's contract and this module's exact checks. */
class NashMtlContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new NashMtlProvider();
  }

  @Nested
  class ExactCombination extends GradientLevelContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new NashMtlProvider();
    }

    @Override
    String expectedName() {
      return "nash-mtl";
    }
  }
}
