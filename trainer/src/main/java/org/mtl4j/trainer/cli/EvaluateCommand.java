package org.mtl4j.trainer.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.config.TaskConfig;
import org.mtl4j.trainer.metrics.TaskScores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mtl4j evaluate}: scores a checkpoint on a data set's test split. */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    description = "Evaluate a checkpoint on the test split of its config (or of -c FILE).")
final class EvaluateCommand implements Callable<Integer> {
  @Parameters(paramLabel = "CHECKPOINT", description = "run folder or checkpoint folder")
  Path checkpoint;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "config naming the data to evaluate on (default: the checkpoint's)")
  Path config;

  @Mixin RunOptions run;

  @Override
  public Integer call() {
    Mtl4jConfig c = config != null ? Mtl4j.readConfig(config) : Cli.checkpointConfig(checkpoint);
    c = run.apply(c);
    Map<String, TaskScores> s = Mtl4j.trainer(c).evaluate(checkpoint);
    System.out.println("test results of " + checkpoint + ":");
    System.out.print(Cli.scores(s, c.tasks().stream().map(TaskConfig::name).toList()));
    return Main.OK;
  }
}
