package org.mtl4j.trainer.cli;

import java.util.List;
import java.util.Locale;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.sharing.SharingStrategyProvider;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.trainer.config.PluginCatalog;

/**
 * {@code docs/methods.md}, generated from the discovered plugins' own statements (description with
 * its reference, assumptions, cost per step, options, compatibility) by {@code mtl4j plugins
 * --markdown}, so that the page cannot drift from the code.
 */
final class MethodsMarkdown {
  /** The command that regenerates the page. */
  static final String REGENERATE = "./mtl4j plugins --markdown > docs/methods.md";

  private MethodsMarkdown() {}

  static String of(PluginCatalog c) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Sharing strategies and weighting methods\n\n");
    sb.append("<!-- Generated from the plugins' own descriptions: do not edit; regenerate with `")
        .append(REGENERATE)
        .append("`. -->\n\n");
    sb.append(
        "Every plugin found on the class path, as it describes itself: its reference, what it"
            + " assumes, its cost per step and its options (T tasks, P shared parameters, E"
            + " experts). `mtl4j compare` measures the actual time per step against `equal`.\n\n");
    sb.append("## Sharing strategies (`model.strategy`, `model.options`)\n\n");
    for (SharingStrategyProvider p : c.strategies().values()) {
      entry(sb, p.name(), p.description(), p.assumptions(), p.costPerStep(), p.options());
    }
    sb.append("## Weighting methods (`weighting.method`, `weighting.options`)\n\n");
    for (TaskWeightingProvider p : c.weightings().values()) {
      entry(sb, p.name(), p.description(), p.assumptions(), p.costPerStep(), p.options());
      WeightingCompatibility w = p.compatibility();
      sb.append(
          String.format(
              Locale.ROOT,
              "- Compatibility: per-task gradients %s; representation gradients (rep_grad) %s;"
                  + " Spark sync mode %s; state in checkpoints %s\n\n",
              yesNo(w.perTaskGradients()),
              yesNo(w.representationGradients()),
              yesNo(w.sparkSync()),
              yesNo(w.checkpointedState())));
    }
    sb.append("## Compatibility matrix (`mtl4j plugins`)\n\n```\n");
    sb.append(PluginsCommand.compatibilityMatrix(c.weightings().values()).replace("\r\n", "\n"));
    sb.append("```\n");
    return sb.toString();
  }

  private static void entry(
      StringBuilder sb,
      String name,
      String description,
      String assumptions,
      String cost,
      List<OptionSpec> options) {
    sb.append("### `").append(name).append("`\n\n");
    sb.append(description).append(".\n\n");
    sb.append("- Assumes: ").append(assumptions).append('\n');
    sb.append("- Cost per step: ").append(cost).append('\n');
    if (options.isEmpty()) {
      sb.append("- Options: none\n");
    } else {
      sb.append("- Options:\n\n");
      sb.append("  | option | type | default | meaning |\n  |---|---|---|---|\n");
      for (OptionSpec o : options) {
        String type =
            o.type() == OptionSpec.Type.CHOICE
                ? String.join(" \\| ", o.choices())
                : o.type().name().toLowerCase(Locale.ROOT);
        sb.append("  | `")
            .append(o.name())
            .append("` | ")
            .append(type)
            .append(" | ")
            .append(o.defaultValue() == null ? "(required)" : "`" + o.defaultValue() + "`")
            .append(" | ")
            .append(o.description().replace("|", "\\|"))
            .append(" |\n");
      }
    }
    sb.append('\n');
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }
}
