package org.mtl4j.trainer.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.compare.ComparisonGrid;
import org.mtl4j.trainer.compare.ComparisonTable;
import org.mtl4j.trainer.compare.EpochSelection;
import org.mtl4j.trainer.config.ConfigException;
import org.mtl4j.trainer.config.ConfigReader;
import org.mtl4j.trainer.config.ConfigWriter;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.PluginCatalog;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.training.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mtl4j compare}: trains a grid of weighting methods × sharing strategies × seeds with
 * single-task baselines and writes the comparison table ({@code <output>/<name>/compare/}).
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description =
        "Compare weighting methods and sharing strategies over seeds: results.csv, results.md and"
            + " results.png in <output>/<name>/compare/ (a rerun resumes the grid).")
final class CompareCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      required = true,
      description = "YAML config: data, tasks, model, optimiser and budget of every run")
  Path config;

  @Option(
      names = "--weighting",
      paramLabel = "M,...",
      split = ",",
      description =
          "weighting methods, or 'all' (default: the config's); equal is always added as the"
              + " time reference; a method keeps the config's options only if it is the config's")
  List<String> weighting;

  @Option(
      names = "--strategy",
      paramLabel = "S,...",
      split = ",",
      description = "sharing strategies (default: the config's), with their default options")
  List<String> strategy;

  @Option(
      names = "--seeds",
      paramLabel = "K",
      description = "seeds per cell: N, N+1, ..., N+K-1 from the config's seed (default 1)")
  int seeds = 1;

  @Option(names = "--seed", paramLabel = "N", description = "override the config's seed")
  Long seed;

  @Option(names = "--epochs", paramLabel = "N", description = "override training.epochs")
  Integer epochs;

  @Mixin RunOptions run;

  @Option(names = "--name", paramLabel = "NAME", description = "override the run name")
  String name;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "DIR",
      description = "override output")
  String output;

  @Option(
      names = "--spark-master",
      paramLabel = "URL",
      description = "not supported: compare runs its grid on this machine")
  String sparkMaster;

  @Override
  public Integer call() {
    if (sparkMaster != null) {
      throw new UserErrors.UsageException(
          "--spark-master: compare runs its grid sequentially on this machine (it needs every"
              + " epoch's validation and test scores, which Spark training does not report);"
              + " drop --spark-master, or train single configurations on Spark with mtl4j train"
              + " --spark-master");
    }
    Mtl4jConfig c = Mtl4j.readConfig(config);
    List<String> problems = new ArrayList<>();
    if (seeds < 1) {
      problems.add("--seeds: '" + seeds + "' is not an integer >= 1");
    }
    if (epochs != null) {
      if (epochs < 1) {
        problems.add("--epochs: '" + epochs + "' is not an integer >= 1");
      } else {
        c = c.withTraining(c.training().withEpochs(epochs));
      }
    }
    c = run.apply(c);
    if (seed != null) {
      c = c.withSeed(seed);
    }
    if (name != null) {
      c = c.withName(name);
    }
    if (output != null) {
      c = c.withOutput(output);
    }
    if (!(c.training().validationSplit() > 0)) {
      problems.add(
          "training.validation_split: '"
              + c.training().validationSplit()
              + "': compare selects each run's epoch on the validation split; set it > 0 (e.g."
              + " 0.15)");
    }
    PluginCatalog plugins = Mtl4j.plugins();
    List<String> strategies = strategy == null ? List.of(c.model().strategy()) : distinct(strategy);
    for (String s : strategies) {
      if (!plugins.strategies().containsKey(s)) {
        problems.add(
            "--strategy: '"
                + s
                + "' is not a sharing strategy; known: "
                + String.join(", ", plugins.strategies().keySet()));
      }
    }
    boolean all = weighting != null && weighting.contains("all");
    List<String> methods =
        weighting == null
            ? new ArrayList<>(List.of(c.weighting().method()))
            : all ? new ArrayList<>(plugins.weightings().keySet()) : distinct(weighting);
    for (String m : methods) {
      if (!plugins.weightings().containsKey(m)) {
        problems.add(
            "--weighting: '"
                + m
                + "' is not a weighting method; known: all, "
                + String.join(", ", plugins.weightings().keySet()));
      }
    }
    if (!methods.contains("equal")) {
      methods.add(0, "equal");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    ComparisonGrid grid = grid(c, strategies, methods);
    // every cell's config is validated (options, compatibility) before anything runs
    ConfigReader reader = new ConfigReader(plugins);
    ConfigWriter writer = new ConfigWriter();
    List<String> skipped = new ArrayList<>();
    for (String s : strategies) {
      for (String m : List.copyOf(methods)) {
        try {
          reader.parse(writer.toYaml(grid.cellConfig(s, m, c.seed())), "cell", "cell");
        } catch (ConfigException e) {
          String why = "--weighting " + m + " with --strategy " + s + ": " + e.getMessage();
          if (all && !m.equals("equal")) {
            methods.remove(m);
            skipped.add(why);
          } else {
            problems.add(why);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      problems.add(
          "the methods that work with "
              + String.join(", ", strategies)
              + " and this config: "
              + String.join(", ", working(reader, writer, grid, strategies, plugins, c.seed())));
      throw new ConfigException(problems);
    }
    for (String s : skipped) {
      System.out.println("skipped (--weighting all): " + s);
    }
    grid = grid(c, strategies, methods);
    System.out.println("model selection: " + EpochSelection.RULE);
    ComparisonTable table = grid.run();
    System.out.print(table.markdown(c.name(), grid.seeds()));
    System.out.println("results: " + grid.compareDir());
    return Main.OK;
  }

  private ComparisonGrid grid(Mtl4jConfig c, List<String> strategies, List<String> methods) {
    List<Long> seedList = new ArrayList<>();
    for (int i = 0; i < Math.max(1, seeds); i++) {
      seedList.add(c.seed() + i);
    }
    List<String> tasks = c.tasks().stream().map(TaskConfig::name).toList();
    return new ComparisonGrid(
        c,
        strategies,
        methods,
        seedList,
        cell -> {
          // a cell the comparison's manifest does not hold is unfinished: its folder is replaced
          Trainer t = Mtl4j.trainer(cell).overwrite(true);
          if (!run.quiet) {
            t.addListener(
                new ConsoleProgress(
                    System.out,
                    System.console() != null,
                    false,
                    cell.tasks().size() == tasks.size()
                        ? tasks
                        : cell.tasks().stream().map(TaskConfig::name).toList()));
          }
          return t;
        },
        System.out);
  }

  private static List<String> working(
      ConfigReader reader,
      ConfigWriter writer,
      ComparisonGrid grid,
      List<String> strategies,
      PluginCatalog plugins,
      long seed) {
    List<String> ok = new ArrayList<>();
    for (String m : plugins.weightings().keySet()) {
      boolean works = true;
      for (String s : strategies) {
        try {
          reader.parse(writer.toYaml(grid.cellConfig(s, m, seed)), "cell", "cell");
        } catch (ConfigException e) {
          works = false;
        }
      }
      if (works) {
        ok.add(m);
      }
    }
    return ok;
  }

  private static List<String> distinct(List<String> names) {
    return new ArrayList<>(new LinkedHashSet<>(names.stream().map(String::trim).toList()));
  }
}
