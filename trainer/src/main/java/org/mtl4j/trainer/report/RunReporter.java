package org.mtl4j.trainer.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.metrics.EpochRecord;

/**
 * Writes a run folder: {@code config.yaml} (the resolved config), {@code metrics.csv}, {@code
 * summary.json} and {@code curves.png}.
 */
public final class RunReporter {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public void writeConfig(Path runDir, String configYaml) {
    try {
      Files.createDirectories(runDir);
      Files.writeString(runDir.resolve("config.yaml"), configYaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + runDir.resolve("config.yaml"), e);
    }
  }

  /**
   * @param mainMetrics each task's first metric, plotted on the right
   * @param summary the content of summary.json
   */
  public void write(
      Path runDir,
      List<String> tasks,
      List<String> mainMetrics,
      List<EpochRecord> history,
      Map<String, Object> summary) {
    try {
      Files.createDirectories(runDir);
      MetricsCsv.write(runDir.resolve("metrics.csv"), tasks, history);
      Files.write(runDir.resolve("summary.json"), JSON.writeValueAsBytes(summary));
      if (!history.isEmpty()) {
        CurvesPlot.write(runDir.resolve("curves.png"), tasks, mainMetrics, history);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the reports of " + runDir + ": " + e.getMessage(), e);
    }
  }
}
