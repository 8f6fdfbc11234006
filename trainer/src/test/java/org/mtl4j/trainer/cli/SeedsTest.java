package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --seed} and {@code --seeds}: the summary of K seeds is that of K separate runs. */
class SeedsTest {
  @TempDir Path tmp;
  private final StringWriter err = new StringWriter();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream savedOut;
  private Path cfg;

  @BeforeEach
  void setUp() throws Exception {
    savedOut = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    cfg = tmp.resolve("s.yaml");
    Files.writeString(
        cfg,
        """
        name: s
        backend: cpu
        seed: 1
        data: {source: synthetic-mmoe, options: {train_size: 300, test_size: 100, input_size: 6}}
        tasks:
          - {name: a, type: regression, label: task1}
          - {name: b, type: regression, label: task2}
        model: {strategy: hard, hidden: [16]}
        optimizer: {name: adam, lr: 0.01}
        training: {epochs: 2, batch_size: 32}
        output: %s
        """
            .formatted(tmp.toString().replace("\\", "/")));
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

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(Path p) throws Exception {
    return new ObjectMapper().readValue(p.toFile(), Map.class);
  }

  @SuppressWarnings("unchecked")
  private double testRmse(String run, String task) throws Exception {
    Map<String, Object> test =
        (Map<String, Object>) json(tmp.resolve(run + "/summary.json")).get("test");
    return ((Number) ((Map<String, Object>) test.get(task)).get("rmse")).doubleValue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void threeSeedsReportTheMeanAndStdOfThreeSeparateRuns() throws Exception {
    assertEquals(
        0, run("train", "-c", cfg.toString(), "--seed", "7", "--seeds", "3", "-q"), err.toString());
    double[][] single = new double[2][3];
    for (int i = 0; i < 3; i++) {
      String name = "one" + i;
      assertEquals(
          0,
          run("train", "-c", cfg.toString(), "--seed", "" + (7 + i), "--name", name, "-q"),
          err.toString());
      single[0][i] = testRmse(name, "a");
      single[1][i] = testRmse(name, "b");
      // the seed's own run folder holds the same figures
      assertEquals(single[0][i], testRmse("s/seed-" + (7 + i), "a"), 0.0);
    }
    Map<String, Object> summary = json(tmp.resolve("s/summary.json"));
    assertEquals(List.of(7, 8, 9), summary.get("seeds"));
    Map<String, Object> test = (Map<String, Object>) summary.get("test");
    for (int t = 0; t < 2; t++) {
      Map<String, Object> rmse =
          (Map<String, Object>) ((Map<String, Object>) test.get(t == 0 ? "a" : "b")).get("rmse");
      double mean = (single[t][0] + single[t][1] + single[t][2]) / 3;
      double ss = 0;
      for (double v : single[t]) {
        ss += (v - mean) * (v - mean);
      }
      assertEquals(mean, ((Number) rmse.get("mean")).doubleValue(), 1e-12);
      assertEquals(Math.sqrt(ss / 2), ((Number) rmse.get("std")).doubleValue(), 1e-12);
      assertTrue(((Number) rmse.get("std")).doubleValue() > 0, "seeds differ: " + rmse);
    }
    String console = out.toString(StandardCharsets.UTF_8);
    assertTrue(console.contains("test results over 3 seeds (mean ± sample std):"), console);
    assertTrue(console.matches("(?s).*\\n  a +rmse \\d+\\.\\d{4} ± \\d+\\.\\d{4}.*"), console);
  }

  @Test
  void badSeedsAreUserErrors() {
    assertEquals(2, run("train", "-c", cfg.toString(), "--seeds", "0", "-q"));
    assertTrue(err.toString().contains("--seeds: '0' is not an integer >= 1"), err.toString());
    assertEquals(2, run("train", "--resume", tmp.toString(), "--seeds", "2", "-q"));
    assertTrue(err.toString().contains("--seeds trains from scratch"), err.toString());
  }
}
