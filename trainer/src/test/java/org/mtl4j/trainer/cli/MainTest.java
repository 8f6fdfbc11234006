package org.mtl4j.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
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

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void configErrorsExitWithTwoAndNoStackTrace() throws Exception {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(
        bad,
        "data: {source: fashion-mnist}\n"
            + "tasks: [{name: a, type: multi-class, label: category}]\n");
    assertEquals(2, run("train", "-c", bad.toString()));
    assertEquals(
        "mtl4j: tasks[0].type: 'multi-class' is not one of multiclass, binary,"
            + " regression, multilabel\n",
        err.toString().replace("\r", ""));
    assertFalse(err.toString().contains("\tat "));
  }

  @Test
  void unknownBackendIsAUserError() throws Exception {
    Path cfg = tmp.resolve("ok.yaml");
    Files.writeString(
        cfg,
        "data: {source: synthetic-mmoe, options: {train_size: 50, test_size: 10, input_size: 4}}\n"
            + "tasks: [{name: a, type: regression, label: task1}]\n"
            + "output: "
            + tmp.toString().replace("\\", "/")
            + "\n");
    assertEquals(2, run("train", "-c", cfg.toString(), "--backend", "tpu", "-q"));
    assertTrue(
        err.toString().startsWith("mtl4j: backend: 'tpu' is not a known backend; known: ")
            && err.toString().contains("cpu"),
        err.toString());
  }

  @Test
  void zeroEpochsSetsUpAndEvaluatesTheInitialNetwork() throws Exception {
    Path cfg = tmp.resolve("ok.yaml");
    Files.writeString(
        cfg,
        "name: setup\n"
            + "data: {source: synthetic-mmoe, options: {train_size: 50, test_size: 10, input_size:"
            + " 4}}\n"
            + "tasks: [{name: a, type: regression, label: task1}]\n"
            + "output: "
            + tmp.toString().replace("\\", "/")
            + "\n");
    assertEquals(0, run("train", "-c", cfg.toString(), "--epochs", "0", "-q"));
    assertTrue(stdout().contains("test results (completed, 0 epochs on CPU"), stdout());
    assertTrue(stdout().contains("  a  "), stdout());
    String summary = Files.readString(tmp.resolve("setup").resolve("summary.json"));
    assertTrue(summary.contains("\"epochs\" : 0"), summary);
    assertFalse(summary.contains("seconds_per_epoch"), "no mean over zero epochs: " + summary);
    assertFalse(summary.contains("NaN"), summary);

    assertEquals(2, run("train", "-c", cfg.toString(), "--epochs", "-1", "-q"));
    assertEquals(
        "mtl4j: --epochs: '-1' is not an integer from 0 to 1000000 (0: set up, do not train)\n",
        err.toString().replace("\r", ""));
  }

  @Test
  void unknownCommandsAndOptionsAreUsageErrors() {
    assertEquals(2, run("frobnicate"));
    assertTrue(err.toString().contains("Unmatched argument"), err.toString());
    assertEquals(2, run("train", "--epochz", "3"));
    assertEquals(2, run());
  }

  @Test
  void trainsEvaluatesAndPredictsFromTheCommandLine() throws Exception {
    Path csv = tmp.resolve("d.csv");
    StringBuilder sb = new StringBuilder("x1,x2,y,z\n");
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < 200; i++) {
      double a = r.nextGaussian();
      double b = r.nextGaussian();
      sb.append(
          String.format(
              java.util.Locale.ROOT,
              "%.4f,%.4f,%s,%.4f%n",
              a,
              b,
              a + b > 0 ? "up" : "down",
              2 * a - b));
    }
    Files.writeString(csv, sb);
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(
        cfg,
        """
        name: cli
        backend: cpu
        data: {source: csv, options: {path: %s}}
        tasks:
          - {name: y, type: binary, label: y}
          - {name: z, type: regression, label: z}
        model: {strategy: hard, hidden: [16]}
        optimizer: {name: adam, lr: 0.01}
        training: {epochs: 5, batch_size: 32}
        output: %s
        """
            .formatted(csv.toString().replace("\\", "/"), tmp.toString().replace("\\", "/")));
    assertEquals(0, run("train", "-c", cfg.toString(), "-q"), err.toString());
    assertTrue(stdout().contains("test results (completed, 5 epochs"), stdout());
    assertTrue(stdout().contains("run folder: "), stdout());
    assertEquals(
        0,
        run("evaluate", tmp.resolve("cli").toString(), "--data", csv.toString()),
        err.toString());
    assertTrue(stdout().contains("test results of "), stdout());
    Path preds = tmp.resolve("p.csv");
    assertEquals(
        0,
        run("predict", tmp.resolve("cli").toString(), "-i", csv.toString(), "-o", preds.toString()),
        err.toString());
    java.util.List<String> lines = Files.readAllLines(preds);
    assertEquals("y,y_p,z", lines.get(0));
    assertEquals(201, lines.size());
    int agree = 0;
    java.util.List<String> in = Files.readAllLines(csv);
    for (int i = 1; i < lines.size(); i++) {
      agree += lines.get(i).split(",")[0].equals(in.get(i).split(",")[2]) ? 1 : 0;
    }
    assertTrue(agree > 160, agree + " of 200 predictions match a linearly separable label");
  }

  @Test
  void backendsAndPluginsListWhatWasDiscovered() {
    assertEquals(0, run("backends"));
    assertTrue(stdout().contains("cpu      priority 100  available"), stdout());
    assertEquals(0, run("plugins"));
    assertTrue(stdout().contains("  hard "), stdout());
    assertTrue(
        java.util.regex.Pattern.compile("(?m)^      experts +int +default 4 ")
            .matcher(stdout())
            .find(),
        stdout());
    assertTrue(stdout().contains("  equal "), stdout());
    assertTrue(stdout().contains("  fashion-mnist "), stdout());
    assertTrue(stdout().contains("weighting compatibility"), stdout());
  }

  @Test
  void representationGradientsWithAMethodWithoutThemExitWithTwoAndSayWhatWorks() throws Exception {
    Path cfg = tmp.resolve("rep.yaml");
    Files.writeString(
        cfg,
        "data: {source: synthetic-mmoe, options: {train_size: 50, test_size: 10, input_size: 4}}\n"
            + "tasks: [{name: a, type: regression, label: task1}]\n"
            + "weighting: {method: dwa, options: {rep_grad: true}}\n");
    assertEquals(2, run("train", "-c", cfg.toString(), "--epochs", "0", "-q"));
    String e = err.toString();
    assertTrue(
        e.startsWith(
            "mtl4j: weighting.options.rep_grad: 'true': dwa does not balance gradients of the"
                + " shared representation"),
        e);
    for (String method : List.of("cagrad", "excess-mtl", "mgda", "pcgrad")) {
      assertTrue(e.contains(method), e);
    }
    assertFalse(e.contains("\tat "), e);
  }
}
