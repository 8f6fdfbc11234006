package org.mtl4j.strategies;

/** {@code mtan} on the MLP specs of the conformance kit and this module's checks. */
class MtanTest extends StrategyChecks {
  @Override
  String strategyName() {
    return "mtan";
  }
}
