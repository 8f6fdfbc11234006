package org.mtl4j.trainer.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.Mtl4jConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mtl4j predict}: CSV in, CSV out with one column group per task. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = "Predict every task (or those of --task) for the rows of a CSV file.")
final class PredictCommand implements Callable<Integer> {
  @Parameters(paramLabel = "CHECKPOINT", description = "run folder or checkpoint folder")
  Path checkpoint;

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "CSV|FOLDER",
      description =
          "rows to predict (same feature columns as training); for an image-folder model, a"
              + " folder of images")
  Path input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "CSV",
      description = "where to write the predictions")
  Path output;

  @Option(
      names = "--keep",
      paramLabel = "COL,...",
      split = ",",
      description =
          "input columns to copy into the output before the predictions (the id columns of"
              + " data.options.id are always kept)")
  List<String> keep = List.of();

  @Option(
      names = "--task",
      paramLabel = "TASK,...",
      split = ",",
      description =
          "predict only these tasks (default: every task), e.g. on a file of one task's own data")
  List<String> tasks = List.of();

  @Option(
      names = "--no-formula-guard",
      negatable = false,
      description =
          "write text cells that start with = + - @ as they are (by default they get a leading '"
              + " so that a spreadsheet shows them as text instead of running them as formulas)")
  boolean noFormulaGuard;

  @Mixin RunOptions run;

  @Override
  public Integer call() {
    Mtl4jConfig c = Cli.checkpointConfig(checkpoint);
    c = run.apply(c);
    int n = Mtl4j.trainer(c).predict(checkpoint, input, output, keep, tasks, !noFormulaGuard);
    if (!run.quiet) {
      System.out.println("wrote " + n + " predictions to " + output);
    }
    return Main.OK;
  }
}
