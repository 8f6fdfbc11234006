package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.PluginCatalog;

/** {@code docs/methods.md} is exactly what the plugins say about themselves. */
class MethodsDocTest {
  private static final Path DOC = Path.of("..", "docs", "methods.md");

  @Test
  void docsMethodsMdIsTheGeneratedText() throws Exception {
    String expected = MethodsMarkdown.of(Mtl4j.plugins());
    assertTrue(
        Files.isRegularFile(DOC),
        DOC.toAbsolutePath() + " is missing; run from the root: " + MethodsMarkdown.REGENERATE);
    String actual = Files.readString(DOC, StandardCharsets.UTF_8);
    assertEquals(
        expected,
        actual,
        "docs/methods.md differs from the plugins' descriptions; regenerate it from the"
            + " repository root with: "
            + MethodsMarkdown.REGENERATE);
  }

  @Test
  void everyPluginIsListedWithItsStatements() {
    PluginCatalog c = Mtl4j.plugins();
    String md = MethodsMarkdown.of(c);
    for (SharingStrategyProvider p : c.strategies().values()) {
      assertTrue(md.contains("### `" + p.name() + "`\n\n" + p.description()), p.name());
      assertTrue(md.contains("- Assumes: " + p.assumptions() + "\n"), p.name());
      assertTrue(md.contains("- Cost per step: " + p.costPerStep() + "\n"), p.name());
    }
    for (TaskWeightingProvider p : c.weightings().values()) {
      assertTrue(md.contains("### `" + p.name() + "`\n\n" + p.description()), p.name());
      assertTrue(md.contains("- Assumes: " + p.assumptions() + "\n"), p.name());
      assertTrue(md.contains("- Cost per step: " + p.costPerStep() + "\n"), p.name());
    }
    assertTrue(md.contains("| `rep_grad` | boolean | `false` |"), md);
  }
}
