package org.mtl4j.weighting;

import org.mtl4j.api.weighting.TaskWeightingProvider;

class DwaContractTest extends WeightingContractChecks {
  @Override
  TaskWeightingProvider provider() {
    return new DwaProvider();
  }

  @Override
  String expectedName() {
    return "dwa";
  }

  @Override
  boolean weightsTaskParameters() {
    return true;
  }
}
