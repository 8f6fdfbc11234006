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
    List<List<OptionSpec>> all = new ArrayList<>();
    List<String> names = new ArrayList<>();
    c.strategies().values().forEach(p -> add(p.name(), p.options(), names, all));
    c.weightings().values().forEach(p -> add(p.name(), p.options(), names, all));
    c.dataSources().values().forEach(p -> add(p.name(), p.options(), names, all));
    Widths w = Widths.of(names, all.stream().flatMap(List::stream).toList());
    System.out.println("sharing strategies (model.strategy, model.options):");
    c.strategies().values().forEach(p -> print(w, p.name(), p.description(), p.options()));
    System.out.println("weighting methods (weighting.method, weighting.options):");
    c.weightings().values().forEach(p -> print(w, p.name(), p.description(), p.options()));
    System.out.print(compatibilityMatrix(c.weightings().values()));
    System.out.println("data sources (data.source, data.options):");
    c.dataSources().values().forEach(p -> print(w, p.name(), p.description(), p.options()));
    System.out.println("metrics (tasks[i].metrics; the first is the task's main metric):");
    for (String name : Metrics.names()) {
      Metric m = Metrics.byName(name);
      List<String> types =
          Arrays.stream(TaskType.values()).filter(m::appliesTo).map(TaskType::configName).toList();
      System.out.printf(
          "  %-" + w.nameWidth() + "s   %s; %s is better; for %s%n",
          name,
          m.description(),
          m.higherIsBetter() ? "higher" : "lower",
          String.join(", ", types));
    }
    System.out.println("initialisation (model.init, model.init_bias):");
    System.out.printf(
        "  %-" + w.nameWidth() + "s   %s (default %s)%n",
        "init",
        String.join("|", WeightInit.Scheme.names()),
        WeightInit.DEFAULT.scheme().configName());
    System.out.printf(
        "  %-" + w.nameWidth() + "s   %s (default %s)%n",
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

  private static void add(
      String name, List<OptionSpec> options, List<String> names, List<List<OptionSpec>> all) {
    names.add(name);
    all.add(options);
  }

  /**
   * Column widths that fit every plugin name and option name, and the usual types and defaults: a
   * longer type or default (a file path, a long choice list) moves its description to the next
   * line, in the same column, so that the columns stay aligned.
   */
  record Widths(int nameWidth, int optionWidth, int typeWidth, int defaultWidth) {
    private static final int MAX_TYPE = 30;
    private static final int MAX_DEFAULT = 16;

    static Widths of(List<String> names, List<OptionSpec> options) {
      return new Widths(
          names.stream().mapToInt(String::length).max().orElse(0),
          options.stream().mapToInt(o -> o.name().length()).max().orElse(0),
          Math.min(MAX_TYPE, options.stream().mapToInt(o -> type(o).length()).max().orElse(0)),
          Math.min(
              MAX_DEFAULT,
              options.stream().mapToInt(o -> defaultValue(o).length()).max().orElse(0)));
    }

    /** Where the option descriptions start. */
    int descriptionColumn() {
      return 6 + optionWidth + 2 + typeWidth + 2 + "default ".length() + defaultWidth + 2;
    }
  }

  private static String type(OptionSpec o) {
    return o.type() == OptionSpec.Type.CHOICE
        ? String.join("|", o.choices())
        : o.type().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String defaultValue(OptionSpec o) {
    return o.defaultValue() == null ? "(required)" : String.valueOf(o.defaultValue());
  }

  private static void print(Widths w, String name, String description, List<OptionSpec> options) {
    System.out.printf("  %-" + w.nameWidth() + "s   %s%n", name, description);
    for (OptionSpec o : options) {
      String row =
          String.format(
              "      %-"
                  + w.optionWidth()
                  + "s  %-"
                  + w.typeWidth()
                  + "s  default %-"
                  + w.defaultWidth()
                  + "s  ",
              o.name(),
              type(o),
              defaultValue(o));
      if (row.length() > w.descriptionColumn()) {
        System.out.println(row.stripTrailing());
        row = " ".repeat(w.descriptionColumn());
      }
      System.out.println(row + o.description());
    }
  }
}
