package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.autograd.Parameter;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.weighting.GradientSource;
import org.mtl4j.api.weighting.TaskWeighting;
import org.mtl4j.api.weighting.WeightingContext;

/** Extra checks of gradient-level methods: representation gradients (LibMTL's rep_grad). */
abstract class GradientLevelContractChecks extends WeightingContractChecks {

  @Override
  boolean weightsTaskParameters() {
    return false;
  }

  TaskWeighting createWithRepGrad(boolean repGrad) {
    Map<String, Object> o = new HashMap<>(options());
    o.put("rep_grad", repGrad);
    return provider()
        .create(
            Options.parse(o, provider().options(), "weighting.options"),
            new WeightingContext(tasks, backend, SEED));
  }

  @Test
  void representationGradientsCombineThroughOneTrunkBackward() {
    try (TaskWeighting w = createWithRepGrad(true);
        TrainingStep ts = new TrainingStep(backend, net, batch, 0, 0, true)) {
      assertEquals(GradientSource.REPRESENTATION, w.gradientSource());
      double[] beta = w.backward(ts.step);
      for (Parameter p : net.sharedParameters()) {
        double[] expected = ts.penaltyGradient(p);
        for (int t = 0; t < tasks.size(); t++) {
          double[] gt = ts.taskGradient(t, p);
          for (int i = 0; i < gt.length; i++) {
            expected[i] += beta[t] * gt[i];
          }
        }
        Host.assertClose(expected, Host.grad(backend, p), 1e-5, p.name());
      }
      for (int t = 0; t < tasks.size(); t++) {
        for (Parameter p : net.taskParameters(tasks.get(t).name())) {
          Host.assertClose(ts.taskGradient(t, p), Host.grad(backend, p), 1e-5, p.name());
        }
      }
    }
  }

  @Test
  void sharedParameterModeIsTheDefault() {
    try (TaskWeighting w = create()) {
      assertEquals(GradientSource.SHARED_PARAMETERS, w.gradientSource());
    }
  }

  @Test
  void representationGradientsWithoutARepresentationFailClearly() {
    try (TaskWeighting w = createWithRepGrad(true);
        TrainingStep ts = new TrainingStep(backend, net, batch, 0, 0, false)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> w.backward(ts.step));
      assertTrue(e.getMessage().contains("rep_grad"), e.getMessage());
    }
  }
}
