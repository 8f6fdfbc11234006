package org.mtl4j.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.trainer.Mtl4j;

/** {@code tasks[i].data}, {@code part}, {@code training.sampling} and {@code steps_per_epoch}. */
class SamplingConfigReaderTest {
  private final ConfigReader reader = new ConfigReader(Mtl4j.plugins());

  private static String config(String tasks, String training) {
    return """
           name: t
           %s
           training: %s
           """
        .formatted(tasks, training);
  }

  private static final String HALVES =
      """
      tasks:
        - {name: category, type: multiclass, label: category,
           data: {source: fashion-mnist, part: 1/2}}
        - {name: group, type: multiclass, label: group, data: {source: fashion-mnist, part: 2/2}}
      """;

  private List<String> errors(String yaml) {
    return assertThrows(ConfigException.class, () -> reader.parse(yaml, "t.yaml", "t")).errors();
  }

  @Test
  void perTaskDataAndSchedulesAreReadAndWrittenBack() {
    Mtl4jConfig c =
        reader.parse(
            config(HALVES, "{sampling: {temperature: 2.5}, steps_per_epoch: 40}"), "t.yaml", "t");
    assertEquals(1, c.tasks().get(0).data().part());
    assertEquals(2, c.tasks().get(1).data().part());
    assertEquals(2, c.tasks().get(1).data().parts());
    // no top-level data: the first task's is the run's
    assertEquals(c.tasks().get(0).data(), c.data());
    assertEquals(new SamplingConfig("temperature", 2.5), c.training().sampling());
    assertEquals(40, c.training().stepsPerEpoch());
    assertEquals(c, reader.parse(new ConfigWriter().toYaml(c), "resolved.yaml", "t"), "round trip");

    Mtl4jConfig shared =
        reader.parse(
            """
            data: {source: fashion-mnist}
            tasks:
              - {name: category, type: multiclass, label: category}
              - {name: group, type: multiclass, label: group}
            training: {sampling: uniform}
            """,
            "t.yaml",
            "t");
    assertNull(shared.tasks().get(0).data());
    assertEquals(Double.POSITIVE_INFINITY, shared.training().sampling().temperature());
    assertEquals(
        SamplingConfig.MIXED, reader.parse(config(HALVES, "{}"), "t", "t").training().sampling());
    assertEquals(
        shared,
        reader.parse(new ConfigWriter().toYaml(shared), "resolved.yaml", "t"),
        "round trip");
  }

  @Test
  void badValuesAreReportedWithTheirPath() {
    assertEquals(
        List.of(
            "training.sampling: 'random' is not a schedule; expected one of mixed, alternating,"
                + " proportional, uniform, temperature or {temperature: T}"),
        errors(config(HALVES, "{sampling: random}")));
    assertEquals(
        List.of("training.sampling: temperature needs its T: write sampling: {temperature: 2}"),
        errors(config(HALVES, "{sampling: temperature}")));
    assertEquals(
        List.of("training.sampling.temperature: '0' is not a number in (0, 1000000.0]"),
        errors(config(HALVES, "{sampling: {temperature: 0}}")));
    assertEquals(
        List.of(
            "training.steps_per_epoch: applies to the one-task-per-step schedules (alternating,"
                + " proportional, uniform, temperature); mixed sampling passes once over the"
                + " training rows per epoch"),
        errors(config(HALVES, "{steps_per_epoch: 5}")));
    assertEquals(
        List.of("tasks[1].data.part: '3/2' is not k/n with 1 <= k <= n (e.g. 1/2: the first half)"),
        errors(
            """
            tasks:
              - {name: category, type: multiclass, label: category, data: {source: fashion-mnist}}
              - {name: group, type: multiclass, label: group,
                 data: {source: fashion-mnist, part: 3/2}}
            """));
    assertEquals(
        List.of(
            "tasks[1].label: 'churn' is not a label of fashion-mnist; known: category,"
                + " footwear, group"),
        errors(
            """
            data: {source: csv, options: {path: x.csv}}
            tasks:
              - {name: y, type: regression, label: y}
              - {name: churn, type: binary, data: {source: fashion-mnist}}
            """));
  }

  @Test
  void oneTaskSchedulesRefuseAffinityAnalysisAndCoupledMethods() {
    assertEquals(
        List.of(
            "analysis: affinity measures every task's loss on one batch, but training.sampling:"
                + " proportional trains one task per step; use training.sampling: mixed for the"
                + " analysis"),
        errors(config(HALVES, "{sampling: proportional}\nanalysis: affinity")));
    for (String method : List.of("uncertainty", "gls", "pcgrad", "gradnorm")) {
      String first =
          errors(config(HALVES, "{sampling: alternating}\nweighting: {method: " + method + "}"))
              .get(0);
      assertEquals(
          "weighting.method: '" + method + "' needs every task's loss or gradient in each step",
          first.substring(0, first.indexOf(", but")));
    }
    for (String method : List.of("equal", "static", "dwa", "rlw")) {
      reader.parse(
          config(HALVES, "{sampling: alternating}\nweighting: {method: " + method + "}"), "t", "t");
    }
  }
}
