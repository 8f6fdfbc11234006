package org.mtl4j.trainer.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import org.mtl4j.api.nn.WeightInit;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.task.Metric;
import org.mtl4j.api.task.Metrics;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.api.weighting.TaskWeightingProvider;
import org.mtl4j.api.weighting.WeightingCompatibility;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.PluginCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mtl4j plugins}: sharing strategies, weighting methods and data sources with options, the
 * metrics and the initialisation schemes.
 */
@Command(
    name = "plugins",
    mixinStandardHelpOptions = true,
    description =
        "List sharing strategies, weighting methods and data sources with options, metrics and"
            + " initialisation schemes.")
final class PluginsCommand implements Callable<Integer> {
  @Option(
      names = "--markdown",
      description =
          "print docs/methods.md instead: every strategy and weighting method with its reference,"
              + " assumptions, cost per step and options")
  boolean markdown;

  @Override
  public Integer call() {
    PluginCatalog c = Mtl4j.plugins();
    if (markdown) {
      System.out.print(MethodsMarkdown.of(c));
      return Main.OK;
    }
    System.out.println("sharing strategies (model.strategy, model.options):");
    c.strategies().values().forEach(p -> print(p.name(), p.description(), p.options()));
    System.out.println("weighting methods (weighting.method, weighting.options):");
    c.weightings().values().forEach(p -> print(p.name(), p.description(), p.options()));
    System.out.print(compatibilityMatrix(c.weightings().values()));
    System.out.println("data sources (data.source, data.options):");
    c.dataSources().values().forEach(p -> print(p.name(), p.description(), p.options()));
    System.out.println("metrics (tasks[i].metrics; the first is the task's main metric):");
    for (String name : Metrics.names()) {
      Metric m = Metrics.byName(name);
      List<String> types =
          Arrays.stream(TaskType.values()).filter(m::appliesTo).map(TaskType::configName).toList();
      System.out.printf(
          "  %-14s %s; %s is better; for %s%n",
          name, m.description(), m.higherIsBetter() ? "higher" : "lower", String.join(", ", types));
    }
    System.out.println("initialisation (model.init, model.init_bias):");
    System.out.printf(
        "  %-14s %s (default %s)%n",
        "init",
        String.join("|", WeightInit.Scheme.names()),
        WeightInit.DEFAULT.scheme().configName());
    System.out.printf(
        "  %-14s %s (default %s)%n",
        "init_bias",
        String.join("|", WeightInit.Bias.names()),
        WeightInit.DEFAULT.bias().configName());
    return Main.OK;
  }

  private static final String[] MATRIX_HEADER = {
    "method", "per-task gradients", "rep_grad", "spark sync", "checkpointed state"
  };

  /**
   * The weighting methods' compatibility matrix, as their providers state it, in aligned columns.
   */
  static String compatibilityMatrix(Collection<TaskWeightingProvider> providers) {
    List<String[]> rows = new ArrayList<>();
    rows.add(MATRIX_HEADER);
    for (TaskWeightingProvider p : providers) {
      WeightingCompatibility c = p.compatibility();
      rows.add(
          new String[] {
            p.name(),
            yesNo(c.perTaskGradients()),
            yesNo(c.representationGradients()),
            yesNo(c.sparkSync()),
            yesNo(c.checkpointedState())
          });
    }
    int[] width = new int[MATRIX_HEADER.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append("weighting compatibility (per-task gradients: one backward per task;")
        .append(" rep_grad: can balance representation gradients;")
        .append(" spark sync: synchronous Spark training;")
        .append(" checkpointed state: a resumed run continues exactly):")
        .append(System.lineSeparator());
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder("  ");
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return out.toString();
  }

  private static String yesNo(boolean b) {
    return b ? "yes" : "no";
  }

  private static void print(String name, String description, List<OptionSpec> options) {
    System.out.printf("  %-14s %s%n", name, description);
    for (OptionSpec o : options) {
      String type =
          o.type() == OptionSpec.Type.CHOICE
              ? String.join("|", o.choices())
              : o.type().name().toLowerCase(java.util.Locale.ROOT);
      System.out.printf(
          "      %-16s %-12s default %-10s %s%n",
          o.name(),
          type,
          o.defaultValue() == null ? "(required)" : o.defaultValue(),
          o.description());
    }
  }
}
