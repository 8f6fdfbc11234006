package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.trainer.checkpoint.CheckpointStore;
import org.mtl4j.trainer.checkpoint.SafeTensors;
import picocli.CommandLine;

/**
 * {@code analysis: affinity} end to end through the CLI: the report files of a training run, the
 * final weights unchanged by the measurements, and {@code mtl4j analyse} on the run folder.
 */
class AnalyseCommandTest {
  @TempDir Path tmp;
  private final StringWriter err = new StringWriter();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream savedOut;

  @BeforeEach
  void captureOut() {
    savedOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreOut() {
    System.setOut(savedOut);
  }

  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  private Path config(String name, String analysis) throws Exception {
    Path cfg = tmp.resolve(name + ".yaml");
    Files.writeString(
        cfg,
        """
        name: %s
        backend: cpu
        seed: 9
        data: {source: synthetic-mmoe, options: {train_size: 512, test_size: 128, input_size: 8,
               correlation: 0.5}}
        tasks:
          - {name: t1, type: regression, label: task1}
          - {name: t2, type: regression, label: task2}
        model: {strategy: hard, hidden: [16], tower: [4], dropout: 0.2}
        optimizer: {name: adam, lr: 0.01}
        training: {epochs: 2, batch_size: 32, validation_split: 0.0}
        output: %s
        %s
        """
            .formatted(name, tmp.toString().replace("\\", "/"), analysis));
    return cfg;
  }

  private static float[] flatWeights(Path runDir) {
    var weights = new CheckpointStore().load(runDir.resolve("checkpoint")).weights();
    int n = weights.values().stream().mapToInt(e -> e.data().length).sum();
    float[] all = new float[n];
    int p = 0;
    for (SafeTensors.Entry e : weights.values()) {
      System.arraycopy(e.data(), 0, all, p, e.data().length);
      p += e.data().length;
    }
    return all;
  }

  @Test
  void trainingWithAnalysisWritesTheReportAndEndsWithTheSameWeights() throws Exception {
    assertEquals(0, run("train", "-c", config("plain", "").toString(), "-q"), err.toString());
    assertEquals(
        0,
        run("train", "-c", config("measured", "analysis: {sample_every: 2}").toString(), "-q"),
        err.toString());
    Path runDir = tmp.resolve("measured");
    assertArrayEquals(flatWeights(tmp.resolve("plain")), flatWeights(runDir));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("task relations (analysis: affinity, 16 sampled steps"), printed);
    assertTrue(printed.contains("suggested grouping: ["), printed);

    List<String> csv = Files.readAllLines(runDir.resolve("affinity.csv"));
    assertEquals(List.of("source\\target", "t1", "t2"), List.of(csv.get(0).split(",")));
    assertEquals(3, csv.size());
    // a step on a task alone lowers that task's own loss: positive self-affinity
    assertTrue(Double.parseDouble(csv.get(1).split(",")[1]) > 0, csv.get(1));
    JsonNode summary = new ObjectMapper().readTree(runDir.resolve("summary.json").toFile());
    JsonNode analysis = summary.get("analysis");
    assertEquals(16, analysis.get("samples").asInt());
    assertEquals(2, analysis.get("affinity").size());
    assertEquals(
        Double.parseDouble(csv.get(2).split(",")[1]),
        analysis.get("affinity").get(1).get(0).asDouble(),
        1e-5);
    double overhead = analysis.get("overhead").asDouble();
    assertTrue(overhead > 0 && overhead < 10, "overhead " + overhead);
    assertTrue(analysis.get("summary").size() >= 2);
    assertTrue(ImageIO.read(runDir.resolve("affinity.png").toFile()).getWidth() >= 130 + 2 * 48);
    assertTrue(ImageIO.read(runDir.resolve("conflict.png").toFile()).getWidth() > 0);

    out.reset();
    Files.delete(runDir.resolve("affinity.png"));
    assertEquals(0, run("analyse", runDir.toString(), "--groups", "1"), err.toString());
    String report = out.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("suggested grouping: [[t1, t2]]"), report);
    assertTrue(Files.exists(runDir.resolve("affinity.png")), "analyse rewrites the heatmap");
  }

  @Test
  void analyseExplainsWhatIsMissing() throws Exception {
    assertEquals(0, run("train", "-c", config("plain", "").toString(), "-q"), err.toString());
    assertEquals(2, run("analyse", tmp.resolve("plain").toString()));
    assertTrue(
        err.toString().contains("affinity.json: no such file; train with 'analysis: affinity'"),
        err.toString());
    assertFalse(err.toString().contains("\tat "), "no stack trace");
    err.getBuffer().setLength(0);
    assertEquals(2, run("analyse", tmp.resolve("nowhere").toString()));
    assertTrue(err.toString().contains("no such run folder"), err.toString());
    Files.writeString(tmp.resolve("plain").resolve("affinity.json"), "{\"tasks\": [\"a\"]}");
    err.getBuffer().setLength(0);
    assertEquals(2, run("analyse", tmp.resolve("plain").toString()));
    assertTrue(
        err.toString().contains("affinity.json: samples: missing or not a number"), err.toString());
  }

  @Test
  void analysisConfigErrorsNameTheirPath() throws Exception {
    Path bad =
        config(
            "bad",
            "analysis: {method: lookahead, sample_every: 0, lookahead_lr: -1, max_groups: 0,"
                + " extra: 1}");
    assertEquals(2, run("train", "-c", bad.toString(), "-q"));
    String e = err.toString();
    assertTrue(e.contains("analysis.method: 'lookahead' is not one of affinity, none"), e);
    assertTrue(e.contains("analysis.sample_every:"), e);
    assertTrue(e.contains("analysis.lookahead_lr: '-1' is not a number in (0"), e);
    assertTrue(e.contains("analysis.max_groups:"), e);
    assertTrue(e.contains("analysis.extra: unknown key"), e);
    err.getBuffer().setLength(0);
    assertEquals(2, run("train", "-c", config("bad2", "analysis: everything").toString(), "-q"));
    assertTrue(
        err.toString().contains("analysis: 'everything' is not one of affinity, none"),
        err.toString());
  }
}
