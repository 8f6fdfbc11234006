package org.mtl4j.weighting;

import org.mtl4j.api.weighting.TaskWeightingProvider;

class PcGradContractTest extends GradientLevelContractChecks {
  @Override
  TaskWeightingProvider provider() {
    return new PcGradProvider();
  }

  @Override
  String expectedName() {
    return "pcgrad";
  }
}
