package org.mtl4j.weighting;

import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/**
 * {@code moco} against the api test-jar's contract. The module's exact-combination checks do not
 * apply: MoCo's update combines its tracked estimates, not this step's gradients
 * (MoCoClosedFormTest checks it).
 */
class MoCoContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new MoCoProvider();
  }
}
