package org.mtl4j.weighting;

import org.mtl4j.api.weighting.TaskWeightingProvider;

class GradNormContractTest extends WeightingContractChecks {
  @Override
  TaskWeightingProvider provider() {
    return new GradNormProvider();
  }

  @Override
  String expectedName() {
    return "gradnorm";
  }

  @Override
  boolean weightsTaskParameters() {
    return true;
  }
}
