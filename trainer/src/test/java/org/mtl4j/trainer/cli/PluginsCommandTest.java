package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.trainer.Mtl4j;

class PluginsCommandTest {

  private static List<String> matrix() {
    return PluginsCommand.compatibilityMatrix(Mtl4j.plugins().weightings().values())
        .lines()
        .toList();
  }

  private static String row(List<String> lines, String method) {
    return lines.stream()
        .filter(l -> l.startsWith("  " + method + " "))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + method + " in " + lines));
  }

  @Test
  void everyMethodHasOneRowWithItsStatedCompatibility() {
    List<String> lines = matrix();
    assertTrue(lines.get(0).startsWith("weighting compatibility"), lines.get(0));
    assertTrue(
        lines
            .get(1)
            .matches(" +method +per-task gradients +rep_grad +spark sync +checkpointed state"),
        lines.get(1));
    assertEquals(2 + Mtl4j.plugins().weightings().size(), lines.size());
    assertTrue(row(lines, "equal").matches(" +equal +no +no +yes +yes"), row(lines, "equal"));
    assertTrue(row(lines, "pcgrad").matches(" +pcgrad +yes +yes +yes +yes"), row(lines, "pcgrad"));
    assertTrue(
        row(lines, "gradnorm").matches(" +gradnorm +yes +no +yes +yes"), row(lines, "gradnorm"));
  }

  @Test
  void columnsAreAligned() {
    List<String> lines = matrix().subList(1, matrix().size());
    String header = lines.get(0);
    int[] starts = {
      header.indexOf("per-task"),
      header.indexOf("rep_grad"),
      header.indexOf("spark sync"),
      header.indexOf("checkpointed")
    };
    for (String l : lines.subList(1, lines.size())) {
      for (int s : starts) {
        assertTrue(l.charAt(s - 1) == ' ' && l.charAt(s) != ' ', "column at " + s + ": " + l);
      }
    }
  }
}
