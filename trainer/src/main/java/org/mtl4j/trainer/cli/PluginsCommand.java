package org.mtl4j.trainer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.mtl4j.api.options.OptionSpec;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.PluginCatalog;
import picocli.CommandLine.Command;

/** {@code mtl4j plugins}: sharing strategies, weighting methods and data sources with options. */
@Command(
    name = "plugins",
    mixinStandardHelpOptions = true,
    description = "List sharing strategies, weighting methods and data sources with options.")
final class PluginsCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    PluginCatalog c = Mtl4j.plugins();
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
    System.out.println("data sources (data.source, data.options):");
    c.dataSources().values().forEach(p -> print(w, p.name(), p.description(), p.options()));
    return Main.OK;
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
