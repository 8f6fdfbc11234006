package org.mtl4j.weighting;

import org.mtl4j.api.weighting.TaskWeightingProvider;

class EqualContractTest extends WeightingContractChecks {
  @Override
  TaskWeightingProvider provider() {
    return new EqualWeightingProvider();
  }

  @Override
  String expectedName() {
    return "equal";
  }

  @Override
  boolean weightsTaskParameters() {
    return true;
  }
}
