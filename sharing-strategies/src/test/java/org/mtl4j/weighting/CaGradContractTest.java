package org.mtl4j.weighting;

import org.mtl4j.api.weighting.TaskWeightingProvider;

class CaGradContractTest extends GradientLevelContractChecks {
  @Override
  TaskWeightingProvider provider() {
    return new CaGradProvider();
  }

  @Override
  String expectedName() {
    return "cagrad";
  }
}
