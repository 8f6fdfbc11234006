package org.mtl4j.strategies;

class MmoeChecksTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "mmoe";
  }
}
