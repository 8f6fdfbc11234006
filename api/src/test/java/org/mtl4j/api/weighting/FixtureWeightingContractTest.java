package org.mtl4j.api.weighting;

import org.mtl4j.api.testing.TaskWeightingContract;

/** The weighting contract run on the api's fixture method, loss-level and representation-level. */
class FixtureWeightingContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new FixtureWeightingProvider();
  }

  @Override
  protected boolean expectServiceRegistration() {
    return false;
  }
}
