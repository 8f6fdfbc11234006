package org.mtl4j.strategies;

class SoftSharingChecksTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "soft";
  }
}
