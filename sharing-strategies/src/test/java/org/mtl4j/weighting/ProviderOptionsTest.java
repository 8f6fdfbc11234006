package org.mtl4j.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.options.Options;
import org.mtl4j.api.testing.ReferenceBackend;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingContext;

class ProviderOptionsTest {
  /** The gradient-level methods added for issue 17, registered after the first nine. */
  static final List<String> GRADIENT_LEVEL_METHODS_OF_ISSUE_17 =
      List.of(
          "upgrad",
          "imtl",
          "nash-mtl",
          "aligned-mtl",
          "gradvac",
          "fairgrad",
          "sdmgrad",
          "moco",
          "graddrop");

  private final ReferenceBackend backend = new ReferenceBackend();

  @AfterEach
  void close() {
    backend.close();
  }

  private IllegalArgumentException rejected(TaskWeightingProvider p, Map<String, Object> raw) {
    return assertThrows(
        IllegalArgumentException.class,
        () ->
            p.create(
                Options.parse(raw, p.options(), "weighting.options"),
                new WeightingContext(PcGradClosedFormTest.TWO, backend, 0)));
  }

  @Test
  void everyBuiltInMethodIsRegisteredOnceByName() {
    List<String> names = new ArrayList<>();
    for (TaskWeightingProvider p : ServiceLoader.load(TaskWeightingProvider.class)) {
      names.add(p.name());
    }
    List<String> builtIn =
        List.of(
            "equal",
            "static",
            "uncertainty",
            "dwa",
            "rlw",
            "gradnorm",
            "pcgrad",
            "mgda",
            "cagrad",
            "gls",
            "famo",
            "db-mtl",
            "stch",
            "excess-mtl");
    assertEquals(builtIn.subList(0, 9), names.subList(0, 9));
    assertTrue(names.containsAll(builtIn), names.toString());
    for (String added : GRADIENT_LEVEL_METHODS_OF_ISSUE_17) {
      assertTrue(names.contains(added), added + " is not registered: " + names);
    }
    assertEquals(names.size(), new java.util.HashSet<>(names).size(), "a name twice: " + names);
  }

  @Test
  void outOfRangeValuesNameTheOption() {
    IllegalArgumentException e = rejected(new CaGradProvider(), Map.of("c", -0.1));
    assertTrue(e.getMessage().contains("weighting.options.c"), e.getMessage());
    e = rejected(new CaGradProvider(), Map.of("rescale", 3));
    assertTrue(e.getMessage().contains("weighting.options.rescale"), e.getMessage());
    e = rejected(new GradNormProvider(), Map.of("alpha", -1.0));
    assertTrue(e.getMessage().contains("weighting.options.alpha"), e.getMessage());
    e = rejected(new DwaProvider(), Map.of("temperature", 0.0));
    assertTrue(e.getMessage().contains("weighting.options.temperature"), e.getMessage());
    e = rejected(new MgdaProvider(), Map.of("normalization", "max"));
    assertTrue(e.getMessage().contains("none, l2, loss, loss+"), e.getMessage());
    e = rejected(new RlwProvider(), Map.of("distribution", "cauchy"));
    assertTrue(e.getMessage().contains("weighting.options.distribution"), e.getMessage());
  }

  @Test
  void noTasksIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new EqualWeightingProvider()
                    .create(
                        Options.defaults(List.of()), new WeightingContext(List.of(), backend, 0)));
    assertTrue(e.getMessage().contains("at least one task"), e.getMessage());
  }

  @Test
  void defaultsFollowThePapers() {
    Map<String, Object> cagrad = Options.defaults(new CaGradProvider().options()).asMap();
    assertEquals(0.4, cagrad.get("c"));
    assertEquals(false, cagrad.get("rep_grad"));
    assertEquals(1.5, Options.defaults(new GradNormProvider().options()).asMap().get("alpha"));
    assertEquals(2.0, Options.defaults(new DwaProvider().options()).asMap().get("temperature"));
    assertEquals(
        "normal", Options.defaults(new RlwProvider().options()).asMap().get("distribution"));
  }
}
