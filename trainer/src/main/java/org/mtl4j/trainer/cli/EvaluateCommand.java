package org.mtl4j.trainer.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.DataConfig;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.data.DataSource;
import org.mtl4j.trainer.data.Datasets;
import org.mtl4j.trainer.data.PathOption;
import org.mtl4j.trainer.io.Excerpt;
import org.mtl4j.trainer.metrics.TaskScores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mtl4j evaluate}: scores a checkpoint on a data set's test split. The data comes from the
 * command line ({@code -c CONFIG}, {@code --data FILE}, {@code --test-data FILE}); a file named
 * only inside the checkpoint is never opened, since anyone who can write a checkpoint could name
 * any file there.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description =
        "Evaluate a checkpoint on the test split of -c FILE, or of its own config with the data"
            + " files named by --data/--test-data.")
final class EvaluateCommand implements Callable<Integer> {
  @Parameters(paramLabel = "CHECKPOINT", description = "run folder or checkpoint folder")
  Path checkpoint;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "config naming the data to evaluate on (default: the checkpoint's)")
  Path config;

  @Option(
      names = "--data",
      paramLabel = "FILE",
      description =
          "with the checkpoint's config: the data file (data.options.path), test rows held out as"
              + " in training")
  String data;

  @Option(
      names = "--test-data",
      paramLabel = "FILE",
      description = "with the checkpoint's config: the test file (data.options.test_path)")
  String testData;

  @Mixin RunOptions run;

  @Override
  public Integer call() {
    if (config != null && (data != null || testData != null)) {
      throw new UserErrors.UsageException(
          "--data and --test-data replace files of the checkpoint's config; with -c the config"
              + " names the data");
    }
    Mtl4jConfig c =
        config != null ? Mtl4j.readConfig(config) : userNamedData(Cli.checkpointConfig(checkpoint));
    c = run.apply(c);
    Map<String, TaskScores> s = Mtl4j.trainer(c).evaluate(checkpoint);
    System.out.println("test results of " + checkpoint + ":");
    System.out.print(Cli.scores(s, c.tasks().stream().map(TaskConfig::name).toList()));
    return Main.OK;
  }

  /**
   * The checkpoint's config with its data files replaced by those given on the command line;
   * refuses a file option the checkpoint sets that the command line does not name.
   */
  private Mtl4jConfig userNamedData(Mtl4jConfig c) {
    DataSource source = Mtl4j.component(c, Datasets.class).sources().get(c.data().source());
    Map<String, Object> options = new LinkedHashMap<>(c.data().options());
    Map<String, String> given = new LinkedHashMap<>();
    if (data != null) {
      given.put("path", data);
    }
    if (testData != null) {
      given.put("test_path", testData);
    }
    for (PathOption p : source == null ? java.util.List.<PathOption>of() : source.pathOptions()) {
      Object v = options.get(p.name());
      String flag =
          p.name().equals("path") ? "--data" : p.name().equals("test_path") ? "--test-data" : null;
      if (given.containsKey(p.name())) {
        options.put(p.name(), given.remove(p.name()));
      } else if (v != null && !v.toString().isBlank()) {
        throw new UserErrors.UsageException(
            checkpoint
                + ": its config reads data.options."
                + p.name()
                + " '"
                + Excerpt.of(v.toString())
                + "'; evaluate opens only data named on the command line: give "
                + (flag != null ? flag + " FILE or " : "")
                + "-c CONFIG");
      }
    }
    if (!given.isEmpty()) {
      throw new UserErrors.UsageException(
          "--"
              + (given.containsKey("path") ? "data" : "test-data")
              + ": the "
              + c.data().source()
              + " source of this checkpoint has no data."
              + (given.containsKey("path") ? "path" : "test_path")
              + " option; give -c CONFIG");
    }
    return c.withData(new DataConfig(c.data().source(), options));
  }
}
