package org.mtl4j.weighting;

import org.mtl4j.api.weighting.TaskWeightingProvider;

class MgdaContractTest extends GradientLevelContractChecks {
  @Override
  TaskWeightingProvider provider() {
    return new MgdaProvider();
  }

  @Override
  String expectedName() {
    return "mgda";
  }
}
