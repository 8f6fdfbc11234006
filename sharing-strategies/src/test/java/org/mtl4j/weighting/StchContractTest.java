package org.mtl4j.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code stch} against the api test-jar's contract and this module's exact checks. */
class StchContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new StchProvider();
  }

  /** warm-up 0: epoch 0 measures the nadir, later epochs use STCH, so both phases are checked. */
  @Override
  protected Map<String, Object> options() {
    return Map.of("warmup_epochs", 0);
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new StchProvider();
    }

    @Override
    String expectedName() {
      return "stch";
    }

    @Override
    Map<String, Object> options() {
      return Map.of("warmup_epochs", 0);
    }

    @Override
    boolean weightsTaskParameters() {
      return true;
    }
  }
}
