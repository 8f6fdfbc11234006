package org.mtl4j.weighting;

import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/**
 * {@code db-mtl} against the api test-jar's contract. Its shared update combines gradient momenta,
 * not this step's gradients, so the exact-combination checks do not apply; {@code
 * LossLevelMethodsPaperTest} checks its update in closed form.
 */
class DbMtlContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new DbMtlProvider();
  }
}
