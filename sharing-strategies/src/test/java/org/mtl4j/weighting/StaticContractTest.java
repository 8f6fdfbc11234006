package org.mtl4j.weighting;

import org.mtl4j.api.weighting.TaskWeightingProvider;

class StaticContractTest extends WeightingContractChecks {
  @Override
  TaskWeightingProvider provider() {
    return new StaticWeightingProvider();
  }

  @Override
  String expectedName() {
    return "static";
  }

  @Override
  boolean weightsTaskParameters() {
    return true;
  }
}
