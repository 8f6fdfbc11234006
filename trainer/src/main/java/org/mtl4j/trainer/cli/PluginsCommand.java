package org.mtl4j.trainer.cli;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.mtl4j.api.nn.WeightInit;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.api.task.Metric;
import org.mtl4j.api.task.Metrics;
import org.mtl4j.api.task.TaskType;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.PluginCatalog;
import picocli.CommandLine.Command;

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
  @Override
  public Integer call() {
    PluginCatalog c = Mtl4j.plugins();
    System.out.println("sharing strategies (model.strategy, model.options):");
    c.strategies().values().forEach(p -> print(p.name(), p.description(), p.options()));
    System.out.println("weighting methods (weighting.method, weighting.options):");
    c.weightings().values().forEach(p -> print(p.name(), p.description(), p.options()));
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
