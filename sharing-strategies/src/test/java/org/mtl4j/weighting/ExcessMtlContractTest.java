package org.mtl4j.weighting;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.mtl4j.api.testing.TaskWeightingContract;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.TaskWeightingProvider;

/** {@code excess-mtl} against the api test-jar's contract and this module's exact checks. */
class ExcessMtlContractTest extends TaskWeightingContract {
  @Override
  protected TaskWeightingProvider provider() {
    return new ExcessMtlProvider();
  }

  @Nested
  class ExactCombination extends WeightingContractChecks {
    @Override
    TaskWeightingProvider provider() {
      return new ExcessMtlProvider();
    }

    @Override
    String expectedName() {
      return "excess-mtl";
    }

    @Override
    boolean weightsTaskParameters() {
      return true;
    }

    /**
     * The curvature sums live on the device and reach the checkpoint through the backend's float32
     * transfers, exact on the float32 backends (the api contract checks an identical continuation
     * on the float32 reference backend); this module's double-precision fixture loses the digits
     * below float32, so the continuation is compared at float32 resolution here.
     */
    @Override
    @org.junit.jupiter.api.Test
    void restoredStateContinuesIdentically() {
      try (TaskWeighting first = create();
          TaskWeighting second = create()) {
        run(first, 0, 3);
        second.restore(first.state());
        List<double[]> a = run(first, 3, 5);
        List<double[]> b = run(second, 3, 5);
        for (int i = 0; i < a.size(); i++) {
          Host.assertClose(a.get(i), b.get(i), 1e-6, "result " + i + " after restore");
        }
      }
    }
  }
}
