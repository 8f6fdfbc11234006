package org.mtl4j.strategies;

class PleChecksTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "ple";
  }
}
