package org.mtl4j.weighting;

import org.mtl4j.api.weighting.TaskWeightingProvider;

class UncertaintyContractTest extends WeightingContractChecks {
  @Override
  TaskWeightingProvider provider() {
    return new UncertaintyWeightingProvider();
  }

  @Override
  String expectedName() {
    return "uncertainty";
  }

  @Override
  boolean weightsTaskParameters() {
    return true;
  }
}
