package org.mtl4j.weighting;

import org.mtl4j.api.weighting.TaskWeightingProvider;

class RlwContractTest extends WeightingContractChecks {
  @Override
  TaskWeightingProvider provider() {
    return new RlwProvider();
  }

  @Override
  String expectedName() {
    return "rlw";
  }

  @Override
  boolean weightsTaskParameters() {
    return true;
  }
}
