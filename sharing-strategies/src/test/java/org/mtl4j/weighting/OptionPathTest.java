package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingContext;
import org.mtl4j.strategies.CgcProvider;
import org.mtl4j.strategies.CrossStitchProvider;
import org.mtl4j.strategies.DSelectKProvider;
import org.mtl4j.strategies.LearningToBranchProvider;
import org.mtl4j.strategies.MmoeProvider;
import org.mtl4j.strategies.PleProvider;
import org.mtl4j.strategies.SoftSharingProvider;

/**
 * A value a plugin rejects after parsing is reported at the config path its options were parsed at,
 * whatever that path is: the plugins name no config path of their own.
 */
class OptionPathTest {
  /** Not the trainer's {@code model.options} or {@code weighting.options}. */
  private static final String PATH = "grid[2].method_options";

  private final ReferenceBackend backend = new ReferenceBackend();

  @AfterEach
  void close() {
    backend.close();
  }

  private static void assertAtPath(IllegalArgumentException e, String option, Object value) {
    String msg = e.getMessage();
    assertTrue(msg.contains(PATH + "." + option + ": '" + value + "'"), msg);
    assertFalse(msg.contains("model.options") || msg.contains("weighting.options"), msg);
  }

  private void rejects(SharingStrategyProvider p, String option, Object value) {
    Options o = Options.parse(Map.of(option, value), p.options(), PATH);
    assertAtPath(assertThrows(IllegalArgumentException.class, () -> p.create(o)), option, value);
  }

  private void rejects(TaskWeightingProvider p, String option, Object value) {
    Options o = Options.parse(Map.of(option, value), p.options(), PATH);
    WeightingContext context = new WeightingContext(PcGradClosedFormTest.TWO, backend, 0);
    assertAtPath(
        assertThrows(IllegalArgumentException.class, () -> p.create(o, context)), option, value);
  }

  @Test
  void strategiesReportTheirOptionsAtTheGivenPath() {
    rejects(new MmoeProvider(), "experts", 0);
    rejects(new PleProvider(), "levels", 0);
    rejects(new CgcProvider(), "shared_experts", 0);
    rejects(new CrossStitchProvider(), "alpha_same", 2.0);
    rejects(new SoftSharingProvider(), "lambda", -1.0);
    rejects(new DSelectKProvider(), "experts", 1);
    rejects(new LearningToBranchProvider(), "branches", 0);
  }

  @Test
  void weightingMethodsReportTheirOptionsAtTheGivenPath() {
    rejects(new DwaProvider(), "temperature", 0.0);
    rejects(new GradNormProvider(), "alpha", -1.0);
    rejects(new CaGradProvider(), "rescale", 3);
    rejects(new FamoProvider(), "lr", 0.0);
    rejects(new DbMtlProvider(), "beta", 1.0);
    rejects(new StchProvider(), "mu", 0.0);
    rejects(new ExcessMtlProvider(), "robust_step_size", 0.0);
    rejects(new NashMtlProvider(), "optim_niter", 0);
    rejects(new GradVacProvider(), "beta", 0.0);
    rejects(new FairGradProvider(), "alpha", 0.0);
    rejects(new SdmGradProvider(), "niter", 0);
    rejects(new MoCoProvider(), "gamma", 0.0);
    rejects(new GradDropProvider(), "leak", 2.0);
  }
}
