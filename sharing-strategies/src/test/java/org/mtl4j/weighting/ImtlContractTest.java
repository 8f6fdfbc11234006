package org.mtl4j.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code imtl} against the api test-jar's contract and this module's exact checks. */
class ImtlContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new ImtlProvider();
  }

  /**
   * IMTL-G alone: the hybrid's task-specific parameters receive their scaled loss's gradient {@code
   * e^{s_t} ∇L_t}, not the raw one these checks expect (ImtlClosedFormTest covers it).
   */
  @Nested
  class ExactCombination extends GradientLevelContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new ImtlProvider();
    }

    @Override
    Map<String, Object> options() {
      return Map.of("mode", "gradient");
    }

    @Override
    String expectedName() {
      return "imtl";
    }
  }
}
