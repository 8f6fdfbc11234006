package org.mtl4j.strategies;

class CrossStitchChecksTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "cross-stitch";
  }
}
