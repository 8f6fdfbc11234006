package org.mtl4j.trainer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.trainer.Mtl4j;
import org.mtl4j.trainer.config.Mtl4jConfig;
import org.mtl4j.trainer.export.OnnxExporter;
import org.mtl4j.trainer.training.BackendFactory;
import org.mtl4j.trainer.training.NetworkFactory;
import org.mtl4j.trainer.training.TrainedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mtl4j export}: a trained model as an ONNX file. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Export a trained model for serving outside the JVM (ONNX Runtime, Triton, ...).",
      "Inputs: the raw feature columns (CSV preprocessing is part of the graph); outputs: one per"
          + " task, probabilities for classification, values in original units for regression."
    })
final class ExportCommand implements Callable<Integer> {
  /** The export formats. */
  enum Format {
    onnx
  }

  @Parameters(paramLabel = "RUN_DIR", description = "run folder or checkpoint folder")
  Path checkpoint;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "onnx",
      description = "file format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  Format format;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "where to write the model, e.g. model.onnx")
  Path output;

  @Mixin RunOptions run;

  @Override
  public Integer call() {
    Mtl4jConfig c = run.apply(Cli.checkpointConfig(checkpoint));
    try (TrainedModel m =
        TrainedModel.load(
            checkpoint,
            c,
            Mtl4j.component(c, BackendFactory.class),
            Mtl4j.component(c, NetworkFactory.class))) {
      OnnxExporter.Summary s = OnnxExporter.export(m, c.model().strategy(), output);
      if (!run.quiet) {
        System.out.println(
            "wrote "
                + output
                + " (ONNX opset "
                + OnnxExporter.OPSET
                + ", "
                + s.nodes()
                + " nodes)\n  inputs:  "
                + String.join(", ", s.inputs())
                + "\n  outputs: "
                + String.join(", ", s.outputs()));
      }
    }
    return Main.OK;
  }
}
