package org.mtl4j.api.sharing;

import org.mtl4j.api.testing.SharingStrategyContract;

/** The sharing contract run on the api's fixture strategy. */
class FixtureSharingContractTest extends SharingStrategyContract {
  @Override
  protected SharingStrategyProvider provider() {
    return new FixtureSharingStrategyProvider();
  }

  @Override
  protected boolean expectServiceRegistration() {
    return false;
  }
}
