package org.mtl4j.trainer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mtl4j.trainer.analysis.AffinityOutcome;
import org.mtl4j.trainer.analysis.AffinityReport;
import org.mtl4j.trainer.analysis.AffinityReportWriter;
import org.mtl4j.trainer.analysis.AffinityStatistics;
import org.mtl4j.trainer.report.RunReporter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mtl4j analyse}: rebuilds a run's task-relationship report from the statistics the run
 * recorded ({@code affinity.json}), optionally for another number of networks, and prints it.
 */
@Command(
    name = "analyse",
    aliases = "analyze",
    mixinStandardHelpOptions = true,
    description =
        "Report which tasks help each other in a run trained with 'analysis: affinity':"
            + " affinity matrix, gradient conflicts, suggested grouping.")
final class AnalyseCommand implements Callable<Integer> {
  @Parameters(paramLabel = "RUN_DIR", description = "the run folder")
  Path runDir;

  @Option(
      names = {"-k", "--groups"},
      paramLabel = "K",
      description =
          "at most K networks (groups of tasks trained together) in the suggested grouping; it"
              + " uses fewer when tasks gain more from sharing one (default: ${DEFAULT-VALUE})")
  int groups = 2;

  @Override
  public Integer call() {
    if (groups < 1) {
      throw new UserErrors.UsageException("--groups: '" + groups + "' is not a positive integer");
    }
    if (!Files.isDirectory(runDir)) {
      throw new UserErrors.UsageException(runDir + ": no such run folder");
    }
    AffinityStatistics stats;
    try {
      stats = new RunReporter().readAffinity(runDir);
    } catch (IllegalArgumentException e) {
      throw new UserErrors.UsageException(e.getMessage());
    }
    AffinityReport report = AffinityReport.of(stats, groups);
    AffinityReportWriter.write(report, stats, runDir);
    AffinityOutcome outcome = new AffinityOutcome(report, stats, Double.NaN, Double.NaN);
    System.out.println("task relations in " + runDir + ":");
    for (String line : report.lines()) {
      System.out.println("  " + line);
    }
    for (String line : outcome.transferLines(gains(runDir.resolve("summary.json")))) {
      System.out.println("  " + line);
    }
    System.out.println(
        "wrote affinity.csv, affinity.png and conflict.png in " + runDir.toAbsolutePath());
    return Main.OK;
  }

  /** Relative gains over single-task baselines recorded in summary.json (empty when none). */
  private static Map<String, Double> gains(Path summary) {
    Map<String, Double> g = new LinkedHashMap<>();
    if (!Files.isRegularFile(summary)) {
      return g;
    }
    try {
      JsonNode root = new ObjectMapper().readTree(summary.toFile());
      for (JsonNode b : root.path("baselines")) {
        if (b.hasNonNull("task") && b.path("relative_gain").isNumber()) {
          g.put(b.get("task").asText(), b.get("relative_gain").asDouble());
        }
      }
    } catch (IOException e) {
      throw new UserErrors.UsageException(summary + ": not valid JSON: " + e.getMessage());
    }
    return g;
  }
}
