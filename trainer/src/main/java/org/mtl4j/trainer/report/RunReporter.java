package org.mtl4j.trainer.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.mtl4j.trainer.analysis.AffinityOutcome;
import org.mtl4j.trainer.analysis.AffinityReportWriter;
import org.mtl4j.trainer.analysis.AffinityStatistics;
import org.mtl4j.trainer.checkpoint.AtomicFiles;
import org.mtl4j.trainer.metrics.EpochRecord;

/**
 * Writes a run folder: {@code config.yaml} (the resolved config), {@code metrics.csv}, {@code
 * summary.json} and {@code curves.png}.
 */
public final class RunReporter {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The files {@link #writeAffinity} writes. */
  public static final List<String> AFFINITY_FILES =
      List.of("affinity.csv", "affinity.png", "conflict.png", "affinity.json");

  public void writeConfig(Path runDir, String configYaml) {
    try {
      Files.createDirectories(runDir);
      AtomicFiles.write(runDir.resolve("config.yaml"), configYaml.getBytes(StandardCharsets.UTF_8));
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
      AtomicFiles.write(runDir.resolve("summary.json"), JSON.writeValueAsBytes(summary));
      if (!history.isEmpty()) {
        CurvesPlot.write(runDir.resolve("curves.png"), tasks, mainMetrics, history);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the reports of " + runDir + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code summary.json} alone (the summary of several seeds' runs). */
  public void writeSummary(Path runDir, Map<String, Object> summary) {
    try {
      Files.createDirectories(runDir);
      AtomicFiles.write(runDir.resolve("summary.json"), JSON.writeValueAsBytes(summary));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + runDir.resolve("summary.json"), e);
    }
  }

  /**
   * Writes {@code affinity.csv}, {@code affinity.png}, {@code conflict.png} and {@code
   * affinity.json} (the raw statistics {@code mtl4j analyse} reads back).
   */
  public void writeAffinity(Path runDir, AffinityOutcome a) {
    AffinityReportWriter.write(a.report(), a.statistics(), runDir);
    try {
      AtomicFiles.write(
          runDir.resolve("affinity.json"), JSON.writeValueAsBytes(a.statistics().toMap()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + runDir.resolve("affinity.json"), e);
    }
  }

  /**
   * Reads the statistics a training run with {@code analysis: affinity} left in {@code runDir}.
   *
   * @throws IllegalArgumentException when the file is missing or malformed, naming it
   */
  public AffinityStatistics readAffinity(Path runDir) {
    Path file = runDir.resolve("affinity.json");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          file + ": no such file; train with 'analysis: affinity' in the config to produce it");
    }
    try {
      Map<String, Object> m = JSON.readValue(file.toFile(), new TypeReference<>() {});
      return AffinityStatistics.fromMap(m);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not valid JSON: " + e.getMessage(), e);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }
}
