package org.mtl4j.weighting;

import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/**
 * {@code graddrop} against the api test-jar's contract (on representation gradients, its only
 * mode). The module's exact-combination checks do not apply: GradDrop masks gradients by feature
 * (GradDropBehaviourTest checks it).
 */
class GradDropContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new GradDropProvider();
  }
}
